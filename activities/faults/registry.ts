// Every fault type and its handler. The mapped type makes a fault type without a handler a compile error.
import type { FaultType } from '../../scenarios/lib/schema.ts';
import { chaosMesh } from './chaos-mesh.ts';
import { configmapBroken, secretCredentialsCorrupted } from './config-fault.ts';
import { cpuLimitThrottling } from './cpu-limit-throttling.ts';
import { envVarChanged } from './env-var-changed.ts';
import type { FaultHandler } from './handler.ts';
import { hpaMaxTooLow } from './hpa-max-too-low.ts';
import { livenessProbeTooAggressive } from './liveness-probe-too-aggressive.ts';
import { memoryLimitOom } from './memory-limit-oom.ts';
import { networkPolicyDeny } from './network-policy-deny.ts';
import { nodeAffinityUnsatisfiable } from './node-affinity-unsatisfiable.ts';
import { nodeCordonDrain } from './node-cordon-drain.ts';
import { nonexistentImage } from './nonexistent-image.ts';
import { resourceQuotaTooSmall } from './resource-quota-too-small.ts';
import { scaleToZero } from './scale-to-zero.ts';
import { serviceSelectorMismatch } from './service-selector-mismatch.ts';
import { webhookFailClosed } from './webhook-fail-closed.ts';
import { wrongTargetPort } from './wrong-target-port.ts';

export const faultRegistry: { [T in FaultType]: FaultHandler<T> } = {
  'scale-to-zero': scaleToZero,
  'service-selector-mismatch': serviceSelectorMismatch,
  'wrong-target-port': wrongTargetPort,
  'nonexistent-image': nonexistentImage,
  'env-var-changed': envVarChanged,
  'secret-credentials-corrupted': secretCredentialsCorrupted,
  'configmap-broken': configmapBroken,
  'liveness-probe-too-aggressive': livenessProbeTooAggressive,
  'cpu-limit-throttling': cpuLimitThrottling,
  'memory-limit-oom': memoryLimitOom,
  'network-policy-deny': networkPolicyDeny,
  'resource-quota-too-small': resourceQuotaTooSmall,
  'hpa-max-too-low': hpaMaxTooLow,
  'webhook-fail-closed': webhookFailClosed,
  'node-affinity-unsatisfiable': nodeAffinityUnsatisfiable,
  'node-cordon-drain': nodeCordonDrain,
  'chaos-mesh': chaosMesh,
};

/** Fault types whose objects live outside the sandbox namespace (teardown must revert them). */
export const CLUSTER_SCOPED_FAULTS: readonly FaultType[] = ['webhook-fail-closed', 'node-cordon-drain'];

export function handlerFor<T extends FaultType>(type: T): FaultHandler<T> {
  const handler = faultRegistry[type] as FaultHandler<T> | undefined;
  if (!handler) throw new Error(`unknown fault type ${type}`);
  return handler;
}
