// Chaos Mesh experiments (PodChaos, NetworkChaos, …) for clusters that run Chaos Mesh. The experiment is
// created in the sandbox and its selector pinned to the sandbox namespace. Without Chaos Mesh (the sim
// cluster) the API has no such kind: apply fails at once with a permanent, readable error.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { FaultOf } from '../../scenarios/lib/schema.ts';
import { createOnce, deleteCreated, markedObject, readCreated } from './created-object.ts';
import { FaultTargetMissingError, type FaultContext, type FaultHandler } from './handler.ts';

export class ChaosMeshMissingError extends FaultTargetMissingError {}

function experiment(context: Pick<FaultContext, 'namespace' | 'sessionId'>, { args }: FaultOf<'chaos-mesh'>): KubernetesObject {
  const selector = { ...(args.spec.selector as Record<string, unknown> | undefined), namespaces: [context.namespace] };
  return markedObject('chaos-mesh', {
    apiVersion: 'chaos-mesh.org/v1alpha1',
    kind: args.kind,
    metadata: { name: args.name, namespace: context.namespace },
    spec: { ...args.spec, selector },
  } as KubernetesObject);
}

/** The client looks the kind up in API discovery first; a missing kind is Chaos Mesh not being installed. */
async function withChaosMesh<T>(kind: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    if (/Unrecognized API version and kind|not find the requested resource|404/.test(message)) {
      throw new ChaosMeshMissingError(
        `Chaos Mesh is not installed in this cluster (no chaos-mesh.org/v1alpha1 ${kind}): this fault needs a cluster that runs Chaos Mesh`,
      );
    }
    throw error;
  }
}

export const chaosMesh: FaultHandler<'chaos-mesh'> = {
  creates: (context, fault) => [experiment(context, fault)],
  async apply(context, fault) {
    await withChaosMesh(fault.args.kind, () => createOnce(context, experiment(context, fault)));
    return `${fault.args.kind.toLowerCase()}/${fault.args.name} created`;
  },
  async tookEffect(context, fault) {
    return (await withChaosMesh(fault.args.kind, () => readCreated(context, experiment(context, fault)))) !== undefined;
  },
  async revert(context, fault) {
    const deleted = await withChaosMesh(fault.args.kind, () => deleteCreated(context, 'chaos-mesh', experiment(context, fault))).catch(
      (error: unknown) => {
        // Nothing can exist where Chaos Mesh is not installed: nothing to revert.
        if (error instanceof ChaosMeshMissingError) return false;
        throw error;
      },
    );
    return deleted ? `${fault.args.kind.toLowerCase()}/${fault.args.name} deleted` : 'nothing to revert';
  },
};
