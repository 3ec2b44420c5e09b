// Verification agreement: does the verifyRemediation workflow tell a right fix from a wrong one? For every scenario of
// the library (on its first system, on the simulated cluster) a report is filed and linked to it, with two
// remediations: the scenario's reference solution (right: must come out `verified`) and a plausible wrong one (a
// `kubectl rollout restart` or `kubectl scale` of a deployment of the system the scenario neither breaks nor fixes:
// must come out `refuted`). Each is verified `rounds` times through the API; a verification is timed from the verify
// request (202) until GET /api/remediations/:id (polled every 500 ms) shows the verdict.
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseAllDocuments } from 'yaml';
import type { Remediation } from '../api/reports/report-contract.ts';
import { TAXONOMY_TAGS } from '../domain/report-terms.ts';
import type { Library } from '../scenarios/lib/load.ts';
import type { Scenario } from '../scenarios/lib/schema.ts';
import { faultTargets } from '../scenarios/lib/steps.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { callApi, type CallOptions } from './lib/http-client.ts';
import { metric } from './lib/result.ts';
import { startServices } from './lib/stack.ts';

/** The verification session's time limit: a wrong fix is refuted when it runs out, so it bounds each wrong verification. */
const TIME_LIMIT_SECONDS = 60;
const HOLD_SECONDS = 2;

interface Case {
  scenarioId: string;
  systemId: string;
  right: string[];
  wrong: string[];
}

/** A deployment of the system that the scenario neither breaks nor fixes: restarting or scaling it changes nothing that matters. */
function wrongFix(library: Library, scenario: Scenario, index: number): string[] {
  const system = library.systems.get(scenario.spec.systems[0]!)!;
  const deployments = parseAllDocuments(system.manifests)
    .map((document) => document.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .filter((object) => object?.kind === 'Deployment' && object.metadata?.name)
    .map((object) => object!.metadata!.name!);
  const involved = new Set(faultTargets(scenario.spec.steps));
  const solutions = scenario.spec.solutions.flatMap((solution) => solution.commands).join('\n');
  const bystander = deployments.find((name) => !involved.has(name) && !solutions.includes(name));
  if (!bystander) throw new Error(`${scenario.metadata.name}: every deployment of its system is involved; no wrong fix to try`);
  return index % 2 === 0 ? [`kubectl rollout restart deployment/${bystander}`] : [`kubectl scale deployment/${bystander} --replicas=3`];
}

export const benchmark: Benchmark = {
  name: 'verification-agreement',
  title: 'Remediation verification agreement',
  description:
    'Every scenario of the library on its first system (simulated cluster): its reference solution as a remediation (expected ' +
    '`verified`) and a plausible wrong one, a `kubectl rollout restart` or `kubectl scale --replicas=3` of a deployment the ' +
    `scenario neither breaks nor fixes (expected \`refuted\`), each verified N times through the API (verification session time ` +
    `limit ${TIME_LIMIT_SECONDS} s, hold ${HOLD_SECONDS} s, SLA poll 1 s, up to 8 verifications at once). Agreement = the share of ` +
    'verdicts that match the expectation. Time per verification: from `POST …/verify` (202) until `GET /api/remediations/:id`, ' +
    'polled every 500 ms, shows the verdict; a wrong fix is refuted when the time limit runs out, so its time is that limit plus ' +
    'the session’s provisioning.',
  async run({ quick, infra, library, log }) {
    const rounds = Number(process.env.BENCH_VERIFY_ROUNDS ?? (quick ? 1 : 5));
    const budgetMs = Number(process.env.BENCH_VERIFY_BUDGET_MINUTES ?? (quick ? 15 : 45)) * 60_000;
    const concurrency = 8;
    const token = `bench-${randomUUID()}`;
    const services = await startServices(infra, 'verification-agreement', {
      FL_OPERATOR_TOKEN: token,
      FL_VERIFY_TIME_LIMIT_SECONDS: String(TIME_LIMIT_SECONDS),
      FL_HOLD_SECONDS: String(HOLD_SECONDS),
      FL_SLA_POLL_SECONDS: '1',
    });
    const api = async (method: string, path: string, expected: number, options: CallOptions = {}) => {
      const response = await callApi(services.apiUrl, method, path, { token, ...options });
      if (response.status !== expected) throw new Error(`${method} ${path}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
      return JSON.parse(response.text) as unknown;
    };
    const cases: Case[] = [...library.scenarios.values()].map((scenario, index) => ({
      scenarioId: scenario.metadata.name,
      systemId: scenario.spec.systems[0]!,
      right: scenario.spec.solutions[0]!.commands,
      wrong: wrongFix(library, scenario, index),
    }));
    const started = performance.now();
    const results: { scenarioId: string; kind: 'right' | 'wrong'; agreed: boolean; seconds: number; reason: string }[] = [];
    try {
      // One report per scenario, linked by a reviewer (the operator token), and its two remediations: each a lane
      // verified `rounds` times in turn (a remediation runs one verification at a time).
      const lanes: { scenarioId: string; kind: 'right' | 'wrong'; reportId: string; remediationId: string }[] = [];
      for (const [index, c] of cases.entries()) {
        const scenario = library.scenarios.get(c.scenarioId)!;
        const from = index + 1;
        const report = (await api('POST', '/api/reports', 201, {
          from,
          headers: { 'idempotency-key': `bench-${randomUUID()}` },
          body: {
            title: scenario.spec.title,
            whatFailed: scenario.spec.story,
            impact: 'Users saw errors.',
            detection: 'The SLA alert.',
            trigger: 'A change.',
            timeline: 'Broke, found, fixed.',
            environment: { kubernetesVersion: '1.36', provider: 'any', components: ['Deployment'] },
          },
        })) as { id: string };
        await api('POST', `/api/reports/${report.id}/review`, 200, {
          from,
          body: { status: 'published', tags: scenario.spec.tags.filter((t) => TAXONOMY_TAGS.includes(t)), scenarioId: c.scenarioId },
        });
        for (const kind of ['right', 'wrong'] as const) {
          const remediation = (await api('POST', `/api/reports/${report.id}/remediations`, 201, {
            from,
            body: { summary: `${kind} fix`, commands: c[kind] },
          })) as { id: string };
          lanes.push({ scenarioId: c.scenarioId, kind, reportId: report.id, remediationId: remediation.id });
        }
      }
      const verifyOnce = async (lane: (typeof lanes)[number]) => {
        const t0 = performance.now();
        await api('POST', `/api/reports/${lane.reportId}/remediations/${lane.remediationId}/verify`, 202);
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          const remediation = (await api('GET', `/api/remediations/${lane.remediationId}`, 200)) as Remediation;
          if (remediation.status === 'verifying') continue;
          const agreed = remediation.status === (lane.kind === 'right' ? 'verified' : 'refuted');
          const seconds = (performance.now() - t0) / 1000;
          results.push({ scenarioId: lane.scenarioId, kind: lane.kind, agreed, seconds, reason: remediation.evidence?.reason ?? '' });
          log(
            `${results.length}/${lanes.length * rounds} ${lane.scenarioId} ${lane.kind}: ${remediation.status} in ${seconds.toFixed(1)} s` +
              (agreed ? '' : ` (DISAGREES: ${remediation.evidence?.reason})`),
          );
          return;
        }
      };
      // Round by round, so that a run cut short by its budget still covers every scenario.
      const queue = Array.from({ length: rounds }, () => lanes).flat();
      const busy = new Set<string>();
      // Take the next verification whose remediation is not being verified; wait when every pending one is.
      const next = async (): Promise<(typeof lanes)[number] | undefined> => {
        for (;;) {
          if (queue.length === 0 || performance.now() - started > budgetMs) return undefined;
          const at = queue.findIndex((lane) => !busy.has(lane.remediationId));
          if (at >= 0) return queue.splice(at, 1)[0];
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      };
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let lane = await next(); lane; lane = await next()) {
            busy.add(lane.remediationId);
            try {
              await verifyOnce(lane);
            } finally {
              busy.delete(lane.remediationId);
            }
          }
        }),
      );
    } finally {
      await services.stop();
    }
    const share = (kind?: 'right' | 'wrong') => {
      const of = results.filter((r) => !kind || r.kind === kind);
      return of.length === 0 ? 0 : (100 * of.filter((r) => r.agreed).length) / of.length;
    };
    const seconds = (kind: 'right' | 'wrong') => results.filter((r) => r.kind === kind).map((r) => r.seconds);
    const planned = cases.length * 2 * rounds;
    const disagreements = results.filter((r) => !r.agreed);
    return {
      params: { scenarios: cases.length, verificationsPerRemediation: rounds, verifications: results.length, planned, concurrency },
      metrics: [
        metric('verdict right, all verifications (goal ≥ 95 %)', '%', [share()]),
        metric('reference solution verified', '%', [share('right')]),
        metric('wrong fix refuted', '%', [share('wrong')]),
        metric('time per verification, reference solution (→ verified)', 's', seconds('right')),
        metric(`time per verification, wrong fix (→ refuted at the ${TIME_LIMIT_SECONDS} s limit)`, 's', seconds('wrong')),
      ],
      notes: [
        `${results.length} of ${planned} planned verifications ran (${cases.length} scenarios × 2 remediations × ${rounds})` +
          (results.length < planned ? `: the run stopped at its time budget of ${budgetMs / 60_000} min.` : '.'),
        disagreements.length === 0
          ? 'Every verdict matched the expectation.'
          : `Disagreements: ${disagreements.map((d) => `${d.scenarioId} (${d.kind}): ${d.reason}`).join('; ')}`,
        ...(disagreements.some((d) => d.kind === 'right' && d.reason.startsWith('SLA still red'))
          ? [
              `A reference solution refuted with “SLA still red (or the oracle failing) ${TIME_LIMIT_SECONDS}s after the session started” ran out of the ` +
                `verification session's time limit before its repair held: on a busy machine (load average ${loadavg()[0]!.toFixed(0)} on ${cpus().length} cores ` +
                'at the end of this run) a repair takes longer; a longer FL_VERIFY_TIME_LIMIT_SECONDS trades that for slower refutations of wrong fixes.',
            ]
          : []),
      ],
    };
  },
};
