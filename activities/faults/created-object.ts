// Faults that create an object (a NetworkPolicy, a ResourceQuota, an HPA, a webhook): create it once, find
// it by name, delete it on revert. The annotation marks it as the engine's, so revert never deletes the
// participant's own object of the same name.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { FaultType } from '../../scenarios/lib/schema.ts';
import { ignoreNotFound, statusOf } from '../../cluster/kube.ts';
import { FAULT_ANNOTATION, type FaultContext } from './handler.ts';

export function markedObject<T extends KubernetesObject>(type: FaultType, object: T): T {
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata?.annotations, [FAULT_ANNOTATION]: type } } };
}

export async function createOnce(context: FaultContext, object: KubernetesObject): Promise<void> {
  try {
    await context.kube.objects.create(object, undefined, undefined, context.fieldManager);
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
  }
}

export async function readCreated<T extends KubernetesObject>(context: FaultContext, object: T): Promise<T | undefined> {
  return ignoreNotFound(
    context.kube.objects.read<T>({
      apiVersion: object.apiVersion!,
      kind: object.kind!,
      metadata: { name: object.metadata!.name!, namespace: object.metadata?.namespace },
    }),
  );
}

/** Deletes the object if the engine created it; true when something was deleted. */
export async function deleteCreated(context: FaultContext, type: FaultType, object: KubernetesObject): Promise<boolean> {
  const existing = await readCreated(context, object);
  if (existing?.metadata?.annotations?.[FAULT_ANNOTATION] !== type) return false;
  await ignoreNotFound(context.kube.objects.delete(existing));
  return true;
}
