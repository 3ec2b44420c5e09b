// What every fault type provides: apply it, tell from cluster state that it took, and undo it. All three are
// idempotent, so a retried activity converges: apply saves what revert needs only the first time.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { FaultOf, FaultType } from '../../scenarios/lib/schema.ts';
import type { Kube } from '../../cluster/kube.ts';

export interface FaultContext {
  kube: Kube;
  namespace: string;
  /** Labels cluster-scoped objects so teardown and the sweeper can find them. */
  sessionId?: string;
  /** Who the change looks like it came from in managedFields (see field-managers.ts). */
  fieldManager: string;
}

export interface FaultHandler<T extends FaultType> {
  apply(context: FaultContext, fault: FaultOf<T>): Promise<string>;
  tookEffect(context: FaultContext, fault: FaultOf<T>): Promise<boolean>;
  revert(context: FaultContext, fault: FaultOf<T>): Promise<string>;
  /** The objects the fault creates, for `failurelib render` (faults that only change objects have none). */
  creates?(context: Pick<FaultContext, 'namespace' | 'sessionId'>, fault: FaultOf<T>): KubernetesObject[];
}

export class FaultTargetMissingError extends Error {}

/** Annotation under which a fault keeps what its revert restores (hidden from participants in Challenge mode). */
export function revertAnnotation(type: FaultType): string {
  return `failurelib.dev/revert.${type}`;
}

/** Annotation on objects a fault creates (annotations, not labels: Challenge mode strips engine annotations but the object stays visible, since it is the thing to find). */
export const FAULT_ANNOTATION = 'failurelib.dev/fault';
