// Collateral damage read from the participant's kubectl requests: actions that hurt more than the fault did,
// or that treat the symptom instead of the cause. Pure and deterministic: same recording, same findings.
import type { KubeRequestRow } from '../db/schema.ts';
import { isWriteVerb } from '../domain/session-terms.ts';

/** One recorded kubectl request, as the kube gateway stores it (kube_requests), with its time as ISO text. */
export type KubeAction = Pick<KubeRequestRow, 'verb' | 'resource' | 'status'> &
  Partial<Pick<KubeRequestRow, 'namespace' | 'name' | 'subresource' | 'command' | 'change'>> & { at: string };

export interface Finding {
  points: number;
  message: string;
}

export const COLLATERAL = {
  namespaceDeleted: 300,
  massPodDeletion: 100,
  blindRestart: 150,
  unrelatedWorkload: 50,
  repeatedPodDeletes: 50,
  cap: 500,
  /** Pod deletions this close together count as one mass deletion when there are at least `massPodCount`. */
  massPodWindowSeconds: 10,
  massPodCount: 3,
  /** Restarting this many distinct workloads within the window counts as restarting everything blindly. */
  blindRestartWindowSeconds: 60,
  blindRestartCount: 3,
} as const;

const WORKLOADS = new Set(['deployments', 'statefulsets', 'daemonsets', 'replicasets']);
const RESTART_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

const seconds = (iso: string) => Date.parse(iso) / 1000;

export function isRolloutRestart(action: KubeAction): boolean {
  if (action.verb !== 'patch' || !WORKLOADS.has(action.resource)) return false;
  const body = action.change?.body as { spec?: { template?: { metadata?: { annotations?: Record<string, unknown> } } } } | undefined;
  return body?.spec?.template?.metadata?.annotations?.[RESTART_ANNOTATION] !== undefined;
}

/** Groups times (seconds, ascending) into bursts where each is within `window` of the burst's first. */
function bursts(times: number[], window: number): number[][] {
  const groups: number[][] = [];
  for (const time of times) {
    const current = groups.at(-1);
    if (current && time - current[0]! <= window) current.push(time);
    else groups.push([time]);
  }
  return groups;
}

export function collateralFindings(actions: readonly KubeAction[], faultTargets: readonly string[]): Finding[] {
  const done = actions.filter((a) => a.status < 400 && isWriteVerb(a.verb)).sort((a, b) => seconds(a.at) - seconds(b.at));
  const findings: Finding[] = [];

  for (const action of done.filter((a) => a.resource === 'namespaces' && a.verb === 'delete')) {
    findings.push({
      points: COLLATERAL.namespaceDeleted,
      message: `deleted the namespace ${action.name ?? ''}: the whole system went down with it`.trim(),
    });
  }

  // Pods: a deletecollection or a burst of single deletes is a mass deletion; many single deletes over time only move the symptom.
  const collections = done.filter((a) => a.resource === 'pods' && a.verb === 'deletecollection');
  for (const action of collections)
    findings.push({
      points: COLLATERAL.massPodDeletion,
      message: `deleted all pods at once${action.namespace ? ` in ${action.namespace}` : ''}`,
    });
  const podDeletes = done.filter((a) => a.resource === 'pods' && a.verb === 'delete' && !a.subresource);
  let singles = 0;
  for (const burst of bursts(
    podDeletes.map((a) => seconds(a.at)),
    COLLATERAL.massPodWindowSeconds,
  )) {
    if (burst.length >= COLLATERAL.massPodCount)
      findings.push({
        points: COLLATERAL.massPodDeletion,
        message: `deleted ${burst.length} pods within ${COLLATERAL.massPodWindowSeconds} s`,
      });
    else singles += burst.length;
  }
  if (singles >= COLLATERAL.massPodCount) {
    findings.push({
      points: COLLATERAL.repeatedPodDeletes,
      message: `deleted pods ${singles} times: restarting pods treats the symptom, not the cause`,
    });
  }

  // Rollout restarts of many workloads in a short time: restarting everything to see what sticks.
  const restarts = done.filter(isRolloutRestart);
  const blind = new Set<string>();
  for (const [index, restart] of restarts.entries()) {
    const names = new Set(
      restarts
        .slice(index)
        .filter((r) => seconds(r.at) - seconds(restart.at) <= COLLATERAL.blindRestartWindowSeconds)
        .map((r) => `${r.resource}/${r.name}`),
    );
    if (names.size >= COLLATERAL.blindRestartCount) {
      for (const name of names) blind.add(name);
    }
  }
  if (blind.size > 0) {
    findings.push({
      points: COLLATERAL.blindRestart,
      message: `restarted ${blind.size} workloads within ${COLLATERAL.blindRestartWindowSeconds} s (${[...blind].sort().join(', ')}) instead of the one at fault`,
    });
  }

  // Scaling, deleting or restarting a workload the fault never touched (blind restarts already counted above).
  // A target's own ReplicaSets (`storefront-7d9c…`) belong to it too.
  const related = (name: string) => faultTargets.some((target) => name === target || name.startsWith(`${target}-`));
  const unrelated = new Set<string>();
  for (const action of done) {
    if (!WORKLOADS.has(action.resource) || !action.name || related(action.name) || action.verb === 'create') continue;
    const key = `${action.resource}/${action.name}`;
    if (blind.has(key)) continue;
    const changesIt =
      action.verb === 'delete' ||
      action.subresource === 'scale' ||
      isRolloutRestart(action) ||
      action.verb === 'update' ||
      action.verb === 'patch';
    if (changesIt) unrelated.add(key);
  }
  for (const key of [...unrelated].sort()) {
    findings.push({ points: COLLATERAL.unrelatedWorkload, message: `changed ${key}, which the failure did not involve` });
  }
  return findings;
}
