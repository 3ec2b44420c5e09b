// How a pod is doing, read from its status the way `kubectl get pods` shows it.
import type { V1Pod } from '@kubernetes/client-node';

const BACK_OFF = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'InvalidImageName',
  'RunContainerError',
]);

export function isTerminating(pod: V1Pod): boolean {
  return Boolean(pod.metadata?.deletionTimestamp);
}

export function isReady(pod: V1Pod): boolean {
  return !isTerminating(pod) && (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Why a pod is failing, or undefined when it is fine (or still starting normally). */
export function podTrouble(pod: V1Pod): string | undefined {
  if (isTerminating(pod)) return undefined;
  const unschedulable = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unschedulable) return unschedulable.reason ?? 'Unschedulable';
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting?.reason;
    if (waiting && BACK_OFF.has(waiting)) return waiting;
    if (!status.ready && status.restartCount > 0) return status.lastState?.terminated?.reason ?? 'Restarting';
    if (!status.ready && status.state?.running) return 'NotReady';
  }
  return undefined;
}
