// The kube-state SLA provider: SLIs read from cluster state, so it works on every driver, including sim.
import type { Objective, Predicate } from '../../scenarios/lib/schema.ts';
import { ignoreNotFound, type Kube } from '../cluster/kube.ts';

export type SlaStatus = 'green' | 'red' | 'unknown';
export interface ObjectiveResult { name: string; status: SlaStatus; value?: number; target?: number; description?: string }
export interface SlaReading { status: SlaStatus; objectives: ObjectiveResult[] }

export async function evaluatePredicate(kube: Kube, namespace: string, predicate: Predicate): Promise<{ ok: boolean; value: number; target: number }> {
  if ('deploymentAvailable' in predicate) {
    const { name, minAvailable } = predicate.deploymentAvailable;
    const deployment = await ignoreNotFound(kube.apps.readNamespacedDeployment({ name, namespace }));
    const available = deployment?.status?.availableReplicas ?? 0;
    return { ok: available >= minAvailable, value: available, target: minAvailable };
  }
  const { name } = predicate.serviceHasReadyEndpoints;
  const slices = await kube.discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${name}` });
  const ready = slices.items.flatMap((slice) => slice.endpoints ?? []).filter((endpoint) => endpoint.conditions?.ready !== false).length;
  return { ok: ready >= 1, value: ready, target: 1 };
}

export async function readSla(kube: Kube, namespace: string, objectives: Objective[]): Promise<SlaReading> {
  const results = await Promise.all(objectives.map(async (objective): Promise<ObjectiveResult> => {
    try {
      const { ok, value, target } = await evaluatePredicate(kube, namespace, objective.kubeState);
      return { name: objective.name, description: objective.description, status: ok ? 'green' : 'red', value, target };
    } catch {
      return { name: objective.name, description: objective.description, status: 'unknown' };
    }
  }));
  return { status: combine(results.map((result) => result.status)), objectives: results };
}

/** Red wins; unknown is never reported as green. */
export function combine(statuses: SlaStatus[]): SlaStatus {
  if (statuses.includes('red')) return 'red';
  if (statuses.includes('unknown') || statuses.length === 0) return 'unknown';
  return 'green';
}

export async function predicatesHold(kube: Kube, namespace: string, predicates: Predicate[]): Promise<boolean> {
  for (const predicate of predicates) {
    if (!(await evaluatePredicate(kube, namespace, predicate)).ok) return false;
  }
  return true;
}
