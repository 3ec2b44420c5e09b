// The fault engine's entry points, called by the session activities: apply a fault from the library to a
// sandbox, confirm from cluster state that it took, and revert it. Each fault type lives in its own file.
import type { Fault } from '../../scenarios/lib/schema.ts';
import type { Kube } from '../../cluster/kube.ts';
import { faultFieldManager } from './field-managers.ts';
import { handlerFor } from './registry.ts';

export { FaultTargetMissingError } from './handler.ts';

export interface FaultOptions {
  sessionId?: string;
}

/** Applies the fault; returns a one-line summary for the session log. Safe to retry. */
export async function applyFault(kube: Kube, namespace: string, fault: Fault, options: FaultOptions = {}): Promise<string> {
  return handlerFor(fault.type).apply({ kube, namespace, ...options, fieldManager: faultFieldManager(fault) }, fault as never);
}

/** True once the fault's effect is visible in cluster state. */
export async function faultTookEffect(kube: Kube, namespace: string, fault: Fault, options: FaultOptions = {}): Promise<boolean> {
  return handlerFor(fault.type).tookEffect({ kube, namespace, ...options, fieldManager: faultFieldManager(fault) }, fault as never);
}

/** Undoes the fault from what apply saved; a no-op when there is nothing left to undo. Safe to retry. */
export async function revertFault(kube: Kube, namespace: string, fault: Fault, options: FaultOptions = {}): Promise<string> {
  return handlerFor(fault.type).revert({ kube, namespace, ...options, fieldManager: faultFieldManager(fault) }, fault as never);
}
