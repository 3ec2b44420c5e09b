// The kube-state SLA provider: SLIs read from cluster state, so it works on every driver, including sim.
import type { V1Pod } from '@kubernetes/client-node';
import type { Objective } from '../../scenarios/lib/schema.ts';
import { ignoreNotFound, type Kube } from '../../cluster/kube.ts';
import { readOnce } from '../../cluster/read-once.ts';
import { evaluatePredicate, podsWithLabels } from '../oracle/predicates.ts';
import { mapLimited } from './map-limited.ts';
import { combine, readingOf, unknownReading, type ObjectiveResult, type SlaProvider, type SlaReading, type SlaTarget } from './types.ts';

// The predicates moved to activities/oracle/; re-exported for existing imports.
export { evaluatePredicate, predicatesHold } from '../oracle/predicates.ts';

export { combine };
export type { ObjectiveResult, SlaReading, SlaStatus } from './types.ts';

type KubeStateSlis = NonNullable<Objective['kubeStateSlis']>;

/** Pod-level SLIs of one deployment: available/desired ratio, restarts, OOM kills, pending pods. */
export async function measureDeployment(kube: Kube, namespace: string, name: string): Promise<Record<string, number>> {
  const deployment = await ignoreNotFound(kube.apps.readNamespacedDeployment({ name, namespace }));
  const desired = deployment?.spec?.replicas ?? 0;
  const available = deployment?.status?.availableReplicas ?? 0;
  const labels = deployment?.spec?.selector?.matchLabels ?? {};
  const pods: V1Pod[] = deployment && Object.keys(labels).length > 0 ? await podsWithLabels(kube, namespace, labels) : [];
  const containers = pods.flatMap((pod) => pod.status?.containerStatuses ?? []);
  return {
    availableRatio: desired === 0 ? 0 : available / desired,
    restarts: containers.reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
    oomKilled: containers.filter((c) => c.lastState?.terminated?.reason === 'OOMKilled' || c.state?.terminated?.reason === 'OOMKilled')
      .length,
    pendingPods: pods.filter((pod) => pod.status?.phase === 'Pending').length,
  };
}

/** The names of the SLIs that break their limit. */
export function breachedSlis(slis: Record<string, number>, limits: KubeStateSlis): string[] {
  const breached: string[] = [];
  if (limits.minAvailableRatio !== undefined && (slis.availableRatio ?? 0) < limits.minAvailableRatio) breached.push('availableRatio');
  if (limits.maxRestarts !== undefined && (slis.restarts ?? 0) > limits.maxRestarts) breached.push('restarts');
  if (limits.maxOomKilled !== undefined && (slis.oomKilled ?? 0) > limits.maxOomKilled) breached.push('oomKilled');
  if (limits.maxPendingPods !== undefined && (slis.pendingPods ?? 0) > limits.maxPendingPods) breached.push('pendingPods');
  return breached;
}

async function evaluateObjective(kube: Kube, namespace: string, objective: Objective): Promise<ObjectiveResult> {
  const base = { name: objective.name, description: objective.description };
  try {
    const { ok, value, target } = await evaluatePredicate(kube, namespace, objective.kubeState);
    if (!objective.kubeStateSlis) return { ...base, status: ok ? 'green' : 'red', value, target };
    const slis = await measureDeployment(kube, namespace, objective.kubeStateSlis.deployment);
    const breached = breachedSlis(slis, objective.kubeStateSlis);
    return { ...base, status: ok && breached.length === 0 ? 'green' : 'red', value, target, slis };
  } catch {
    return { ...base, status: 'unknown' };
  }
}

export async function readSla(kube: Kube, namespace: string, objectives: Objective[]): Promise<SlaReading> {
  const sampledAt = Date.now();
  // The objectives read the same few objects: each is fetched once per reading.
  const view = readOnce(kube);
  const results = await Promise.all(objectives.map((objective) => evaluateObjective(view, namespace, objective)));
  return readingOf(results, sampledAt);
}

/**
 * `cluster`: the driven cluster, or how to reach a session's own (ClusterDriver.kubeFor) for the
 * cluster-per-session drivers. `concurrency`: sessions read at once, so a batch of hundreds does not flood
 * the apiserver.
 */
export function kubeStateProvider(cluster: Kube | ((sessionId: string) => Promise<Kube>), concurrency = 16): SlaProvider {
  const kubeFor = typeof cluster === 'function' ? cluster : async () => cluster;
  return {
    name: 'kube-state',
    async evaluate(targets: SlaTarget[]) {
      const readings = await mapLimited(targets, concurrency, async (t) => {
        // A session whose cluster cannot be reached reads unknown; the others in the batch still get theirs.
        const kube = await kubeFor(t.sessionId).catch(() => undefined);
        return [t.sessionId, kube ? await readSla(kube, t.namespace, t.objectives) : unknownReading(t.objectives, Date.now())] as const;
      });
      return new Map(readings);
    },
  };
}
