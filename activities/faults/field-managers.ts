// Who a fault's change looks like it came from, in the objects' managedFields: the tool the story's culprit
// would have used, never the engine's own name (Challenge mode would read the answer from it). A scenario
// may name its own (`fieldManager` on the fault: a CI job, a cleanup script).
import type { FaultType } from '../../scenarios/lib/schema.ts';

const STORY_FIELD_MANAGERS: Record<FaultType, string> = {
  'scale-to-zero': 'kubectl-scale',
  'service-selector-mismatch': 'kubectl-edit',
  'wrong-target-port': 'kubectl-edit',
  'nonexistent-image': 'kubectl-set',
  'env-var-changed': 'kubectl-set',
  'secret-credentials-corrupted': 'helm',
  'configmap-broken': 'helm',
  'liveness-probe-too-aggressive': 'helm',
  'cpu-limit-throttling': 'kubectl-set',
  'memory-limit-oom': 'kubectl-set',
  'network-policy-deny': 'kubectl-client-side-apply',
  'resource-quota-too-small': 'kubectl-client-side-apply',
  'hpa-max-too-low': 'kubectl-autoscale',
  'webhook-fail-closed': 'helm',
  'node-affinity-unsatisfiable': 'kubectl-edit',
  'chaos-mesh': 'kubectl-client-side-apply',
  'node-cordon-drain': 'kubectl-cordon',
};

export function faultFieldManager(fault: { type: FaultType; fieldManager?: string }): string {
  return fault.fieldManager ?? STORY_FIELD_MANAGERS[fault.type];
}
