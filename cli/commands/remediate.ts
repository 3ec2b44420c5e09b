// `failurelib remediate --kubeconfig K --namespace N [--api url] [--apply] [--timeout s]`: the library's verified
// remediations (GET /api/remediations/verified) checked against a namespace of a real cluster. Each remediation's
// detection is the oracle of the scenario it was verified on, negated: it applies where that system runs (its
// Deployments and Services are there) and matches when any oracle predicate fails, evaluated by the same code the
// sessions' oracle uses (activities/oracle). Dry run by default: it prints the plan (what matched, why, the
// commands) and changes nothing. --apply runs the commands with kubectl against that kubeconfig and namespace, then
// waits until the detection no longer matches (exit 1 if it still does). Every input is checked before anything
// changes: the API, the kubeconfig, the cluster, the namespace, kubectl.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { evaluatePredicate, type PredicateResult } from '../../activities/oracle/predicates.ts';
import { labelSelectorString } from '../../activities/oracle/selectors.ts';
import type { VerifiedRemediation } from '../../api/reports/report-contract.ts';
import { connectKube, statusOf, type Kube } from '../../cluster/kube.ts';
import { readOnce } from '../../cluster/read-once.ts';
import type { Predicate } from '../../scenarios/lib/schema.ts';
import { apiClient } from '../api-client.ts';
import { UsageError } from '../usage-error.ts';

export interface RemediateOptions {
  kubeconfig?: string;
  namespace?: string;
  api?: string;
  apply?: boolean;
  timeout?: string;
}

/** How long --apply waits, after the commands, for the detection to stop matching: a rollout on a busy cluster. */
const DEFAULT_TIMEOUT_SECONDS = 180;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Remediation commands act on the namespace given; one that picks its own namespace is not run. */
const NAMES_A_NAMESPACE = /(^|\s)(-n|--namespace|-A|--all-namespaces)(\s|=|$)/;

export type Detection = { state: 'not-applicable'; missing: string[] } | { state: 'healthy' } | { state: 'broken'; failing: string[] };

/** What a failing predicate says about the namespace, in words. */
export function whyFailing(predicate: Predicate, { value, target }: PredicateResult): string {
  if ('deploymentAvailable' in predicate)
    return `Deployment ${predicate.deploymentAvailable.name} has ${value} available replica(s), needs at least ${target}`;
  if ('deploymentRolledOut' in predicate)
    return `Deployment ${predicate.deploymentRolledOut.name} is not rolled out (${value} of ${target} replicas updated and available)`;
  if ('deploymentImage' in predicate)
    return `Deployment ${predicate.deploymentImage.name} does not run the image ${predicate.deploymentImage.image}`;
  if ('deploymentEnv' in predicate)
    return `Deployment ${predicate.deploymentEnv.name} does not set ${predicate.deploymentEnv.env}=${predicate.deploymentEnv.value}`;
  if ('serviceHasReadyEndpoints' in predicate) return `Service ${predicate.serviceHasReadyEndpoints.name} has no ready endpoints`;
  if ('serviceReachable' in predicate)
    return `Service ${predicate.serviceReachable.name} reaches ${value} ready pod(s), needs at least ${target}`;
  if ('podsReady' in predicate)
    return `${value} ready pod(s) labelled ${labelSelectorString(predicate.podsReady.selector)}, needs at least ${target}`;
  if ('podsHealthy' in predicate)
    return `${value} pod(s)${predicate.podsHealthy.selector ? ` labelled ${labelSelectorString(predicate.podsHealthy.selector)}` : ''} pending or failing`;
  if ('configKeyHash' in predicate)
    return `${predicate.configKeyHash.kind} ${predicate.configKeyHash.name} does not hold the expected ${predicate.configKeyHash.key}`;
  if ('hpaAllows' in predicate)
    return `HorizontalPodAutoscaler ${predicate.hpaAllows.name} allows at most ${value} replica(s), needs ${target}`;
  return `none of ${predicate.anyOf.length} alternatives holds`;
}

/** Evaluates one remediation's detection in the namespace (reads shared within the call). */
export async function detect(kube: Kube, namespace: string, remediation: VerifiedRemediation): Promise<Detection> {
  try {
    return await evaluateDetection(readOnce(kube), namespace, remediation);
  } catch (error) {
    throw new Error(`cannot evaluate the detection of remediation ${remediation.id} in "${namespace}": ${kubeErrorLine(error)}`);
  }
}

async function evaluateDetection(view: Kube, namespace: string, remediation: VerifiedRemediation): Promise<Detection> {
  const [deployments, services] = await Promise.all([
    view.apps.listNamespacedDeployment({ namespace }),
    view.core.listNamespacedService({ namespace }),
  ]);
  const present = new Set([
    ...deployments.items.map((d) => `Deployment/${d.metadata?.name}`),
    ...services.items.map((s) => `Service/${s.metadata?.name}`),
  ]);
  const missing = remediation.detection.appliesTo.map((o) => `${o.kind}/${o.name}`).filter((key) => !present.has(key));
  if (missing.length > 0) return { state: 'not-applicable', missing };
  const failing: string[] = [];
  for (const predicate of remediation.detection.brokenWhenAnyFails) {
    const result = await evaluatePredicate(view, namespace, predicate);
    if (!result.ok) failing.push(whyFailing(predicate, result));
  }
  return failing.length > 0 ? { state: 'broken', failing } : { state: 'healthy' };
}

/** A Kubernetes client error in one line: its status and the API server's own message (client-node's spans lines). */
export function kubeErrorLine(error: unknown): string {
  const status = statusOf(error);
  const cause = (error as { cause?: Error }).cause?.message;
  if (status === undefined) return cause ?? (error as Error)?.message ?? String(error);
  let message: string | undefined;
  try {
    message = (JSON.parse(String((error as { body?: unknown }).body)) as { message?: string }).message;
  } catch {
    message = undefined;
  }
  return `${status} ${message ?? (error as Error).message.split('\n')[0]}`;
}

/** The kubeconfig's client, after checking that the cluster answers and the namespace exists there. */
async function connectNamespace(kubeconfig: string, namespace: string): Promise<Kube> {
  if (!existsSync(kubeconfig)) throw new Error(`--kubeconfig ${kubeconfig}: no such file`);
  let kube: Kube;
  try {
    kube = connectKube(kubeconfig);
  } catch (error) {
    throw new Error(`--kubeconfig ${kubeconfig} is not a usable kubeconfig: ${(error as Error).message}`);
  }
  const where = `the cluster at ${kube.server} (--kubeconfig ${kubeconfig})`;
  try {
    await kube.core.readNamespace({ name: namespace });
  } catch (error) {
    const status = statusOf(error);
    if (status === 404) throw new Error(`no namespace "${namespace}" in ${where}`);
    if (status === 401) throw new Error(`${where} refused the kubeconfig's credentials (401)`);
    if (status === 403) throw new Error(`the kubeconfig's credentials may not read the namespace "${namespace}" in ${where} (403)`);
    throw new Error(`cannot reach ${where}: ${kubeErrorLine(error)}`);
  }
  return kube;
}

const heading = (r: VerifiedRemediation) =>
  `${r.title} — remediation ${r.id} (verified on ${r.detection.scenarioId}, system ${r.detection.systemId})`;

export async function remediate(options: RemediateOptions, out: (line: string) => void): Promise<number> {
  if (!options.kubeconfig) throw new UsageError('remediate needs --kubeconfig <file>');
  if (!options.namespace) throw new UsageError('remediate needs --namespace <name>');
  if (!NAMESPACE.test(options.namespace)) throw new UsageError(`--namespace "${options.namespace}" is not a namespace name`);
  const timeoutSeconds = Number(options.timeout ?? DEFAULT_TIMEOUT_SECONDS);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError('--timeout must be a whole number of seconds');
  const namespace = options.namespace;
  const kubeconfig = resolve(options.kubeconfig);

  const { base, call } = apiClient(options.api);
  const published = (await (await call('GET', '/api/remediations/verified')).json()) as VerifiedRemediation[];
  const kube = await connectNamespace(kubeconfig, namespace);
  out(`${published.length} verified remediation(s) from ${base}, checked against the namespace "${namespace}" at ${kube.server}`);

  const matched: VerifiedRemediation[] = [];
  for (const remediation of published) {
    const detection = await detect(kube, namespace, remediation);
    if (detection.state === 'not-applicable') {
      const missing = `${detection.missing.slice(0, 3).join(', ')}${detection.missing.length > 3 ? ', …' : ''}`;
      out(`- ${heading(remediation)}: not applicable, the namespace has no ${missing}`);
    } else if (detection.state === 'healthy') {
      out(`- ${heading(remediation)}: does not match, every predicate of its detection holds`);
    } else {
      matched.push(remediation);
      out(`✗ ${heading(remediation)}: MATCHES`);
      for (const why of detection.failing) out(`    because ${why}`);
      out(`    fix: ${remediation.summary.split('\n')[0]}`);
      for (const command of remediation.commands) out(`    $ ${command}`);
    }
  }
  if (matched.length === 0) {
    out('plan: nothing to do, no verified remediation matches this namespace');
    return 0;
  }
  const refused = matched.flatMap((r) => r.commands.filter((c) => NAMES_A_NAMESPACE.test(c)).map((c) => `${r.id}: ${c}`));
  if (refused.length > 0)
    throw new Error(`refusing commands that choose their own namespace (remediate acts on "${namespace}" only): ${refused.join('; ')}`);
  out(`plan: ${matched.length} remediation(s) match; --apply runs them in this order, each only while its detection still matches`);
  if (!options.apply) {
    out('dry run: nothing was changed; run again with --apply to apply the plan');
    return 0;
  }
  return applyPlan(kube, kubeconfig, namespace, matched, timeoutSeconds, out);
}

async function applyPlan(
  kube: Kube,
  kubeconfig: string,
  namespace: string,
  matched: VerifiedRemediation[],
  timeoutSeconds: number,
  out: (line: string) => void,
): Promise<number> {
  const run = promisify(execFile);
  await run('kubectl', ['version', '--client']).catch((error: Error) => {
    throw new Error(`--apply needs kubectl on the PATH: ${error.message}`);
  });
  // Every kubectl of a command (those in $(…) too) runs against this kubeconfig and namespace.
  const env = { ...process.env, KUBECONFIG: kubeconfig, FL_REMEDIATE_NAMESPACE: namespace };
  const prelude = 'kubectl() { command kubectl --namespace "$FL_REMEDIATE_NAMESPACE" "$@"; }; set -o pipefail;';
  let stillBroken = false;
  for (const remediation of matched) {
    if ((await detect(kube, namespace, remediation)).state !== 'broken') {
      out(`${remediation.id}: its detection no longer matches (an earlier remediation fixed it); skipped`);
      continue;
    }
    out(`applying ${remediation.id}: ${remediation.title}`);
    for (const [index, command] of remediation.commands.entries()) {
      try {
        const { stdout, stderr } = await run('bash', ['-c', `${prelude} ${command}`], { env, timeout: 120_000 });
        out(`$ ${command}`);
        for (const line of `${stdout}${stderr}`.trim().split('\n').filter(Boolean)) out(`  ${line}`);
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        const skipped = remediation.commands.slice(index + 1);
        throw new Error(
          `\`${command}\` failed: ${(e.stderr ?? e.message).trim()}${skipped.length ? `; not run: ${skipped.map((c) => `\`${c}\``).join(', ')}` : ''}`,
        );
      }
    }
    const started = Date.now();
    let detection = await detect(kube, namespace, remediation);
    while (detection.state === 'broken' && Date.now() - started < timeoutSeconds * 1000) {
      await sleep(2000);
      detection = await detect(kube, namespace, remediation);
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    if (detection.state === 'broken') {
      stillBroken = true;
      out(`still broken ${seconds}s after ${remediation.id}: ${detection.failing.join('; ')}`);
    } else {
      out(`fixed: the detection of ${remediation.id} no longer matches (${seconds}s after its commands)`);
    }
  }
  return stillBroken ? 1 : 0;
}
