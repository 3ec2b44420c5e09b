// Read-modify-write of the objects faults change, with the saved state revert needs kept in an annotation.
import type { KubernetesObject, V1Container, V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { FaultType } from '../../scenarios/lib/schema.ts';
import { ignoreNotFound, statusOf } from '../../cluster/kube.ts';
import { podTrouble } from '../oracle/pods.ts';
import { labelSelectorString } from '../oracle/selectors.ts';
import { FaultTargetMissingError, revertAnnotation, type FaultContext } from './handler.ts';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
}

export async function readObject<T extends KubernetesObject>(context: FaultContext, ref: ObjectRef): Promise<T | undefined> {
  return ignoreNotFound(
    context.kube.objects.read<T>({
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { name: ref.name, namespace: context.namespace },
    }),
  );
}

/** Reads, changes and replaces an object; retries when someone else changed it in between (409). */
export async function mutate<T extends KubernetesObject>(context: FaultContext, ref: ObjectRef, change: (object: T) => void): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const object = await readObject<T>(context, ref);
    if (!object) throw new FaultTargetMissingError(`${ref.kind.toLowerCase()} ${ref.name} not found in ${context.namespace}`);
    change(object);
    try {
      return await context.kube.objects.replace(object, undefined, undefined, context.fieldManager);
    } catch (error) {
      if (statusOf(error) !== 409 || attempt >= 5) throw error;
    }
  }
}

/** Keeps `value` for revert unless an earlier (retried) apply already kept the original. */
export function saveOnce(object: KubernetesObject, type: FaultType, value: unknown): void {
  object.metadata ??= {};
  object.metadata.annotations ??= {};
  object.metadata.annotations[revertAnnotation(type)] ??= JSON.stringify(value ?? null);
}

/** The saved state, removed from the object; undefined when there is nothing to revert. */
export function takeSaved<T>(object: KubernetesObject, type: FaultType): T | undefined {
  const raw = object.metadata?.annotations?.[revertAnnotation(type)];
  if (raw === undefined) return undefined;
  delete object.metadata?.annotations?.[revertAnnotation(type)];
  return JSON.parse(raw) as T;
}

export const deploymentRef = (name: string): ObjectRef => ({ apiVersion: 'apps/v1', kind: 'Deployment', name });
export const serviceRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Service', name });

export function containerIn(deployment: V1Deployment, name?: string): V1Container {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  const found = name ? containers.find((c) => c.name === name) : containers[0];
  if (!found) throw new FaultTargetMissingError(`deployment ${deployment.metadata?.name} has no container ${name ?? ''}`.trim());
  return found;
}

/** The pods of the Deployment's current pod template (its newest ReplicaSet). */
export async function currentPods(context: FaultContext, deploymentName: string): Promise<V1Pod[]> {
  const { kube, namespace } = context;
  const deployment = await ignoreNotFound(kube.apps.readNamespacedDeployment({ name: deploymentName, namespace }));
  const labels = deployment?.spec?.selector.matchLabels;
  if (!deployment || !labels) return [];
  const revision = deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  const sets = await kube.apps.listNamespacedReplicaSet({ namespace, labelSelector: labelSelectorString(labels) });
  const current = sets.items.find((set) => set.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision);
  const hash = current?.metadata?.labels?.['pod-template-hash'];
  if (!hash) return [];
  const pods = await kube.core.listNamespacedPod({
    namespace,
    labelSelector: labelSelectorString({ ...labels, 'pod-template-hash': hash }),
  });
  return pods.items;
}

/** True once a pod of the Deployment's current template shows trouble (back-off, restarts, not ready, unschedulable). */
export async function currentPodsFailing(context: FaultContext, deploymentName: string): Promise<boolean> {
  return (await currentPods(context, deploymentName)).some((pod) => podTrouble(pod) !== undefined);
}

/** What `kubectl rollout restart` does: a new pod template, so every pod is replaced. */
export function markRestart(deployment: V1Deployment): void {
  const template = deployment.spec!.template;
  template.metadata ??= {};
  template.metadata.annotations = { ...template.metadata.annotations, 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() };
}
