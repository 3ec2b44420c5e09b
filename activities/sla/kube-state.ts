// The kube-state SLA provider: SLIs read from cluster state, so it works on every driver, including sim.
import type { Objective } from '../../scenarios/lib/schema.ts';
import type { Kube } from '../cluster/kube.ts';
import { evaluatePredicate } from '../oracle/predicates.ts';

// The predicates moved to activities/oracle/; re-exported for existing imports.
export { evaluatePredicate, predicatesHold } from '../oracle/predicates.ts';

export type SlaStatus = 'green' | 'red' | 'unknown';
export interface ObjectiveResult { name: string; status: SlaStatus; value?: number; target?: number; description?: string }
export interface SlaReading { status: SlaStatus; objectives: ObjectiveResult[] }

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
