// A node taken out of service: cordoned, and the sandbox's pods on it evicted. Nodes are shared by every
// session, so the node is annotated with each sandbox that cordoned it; revert uncordons it only when no
// other sandbox still holds it and it was schedulable before (cluster/cluster-scoped.ts, which teardown
// shares). Scenarios should prefer namespace-scoped faults.
import type { V1Node } from '@kubernetes/client-node';
import { holdNode, releaseNodeHold, updateNode } from '../../cluster/cluster-scoped.ts';
import { ignoreNotFound } from '../../cluster/kube.ts';
import { FaultTargetMissingError, type FaultContext, type FaultHandler } from './handler.ts';

async function mutateNode(context: FaultContext, name: string, change: (node: V1Node) => void): Promise<V1Node> {
  const node = await updateNode(context.kube, name, change, context.fieldManager);
  if (!node) throw new FaultTargetMissingError(`node ${name} not found`);
  return node;
}

export const nodeCordonDrain: FaultHandler<'node-cordon-drain'> = {
  async apply(context, { args }) {
    await mutateNode(context, args.node, (node) => holdNode(node, context.namespace));
    const pods = await context.kube.core.listNamespacedPod({ namespace: context.namespace, fieldSelector: `spec.nodeName=${args.node}` });
    await Promise.all(
      pods.items.map((pod) =>
        ignoreNotFound(context.kube.core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace: context.namespace })),
      ),
    );
    return `node/${args.node} cordoned; ${pods.items.length} sandbox pod(s) evicted`;
  },
  async tookEffect(context, { args }) {
    const node = await ignoreNotFound(context.kube.core.readNode({ name: args.node }));
    return Boolean(node?.spec?.unschedulable);
  },
  async revert(context, { args }) {
    await mutateNode(context, args.node, (node) => releaseNodeHold(node, context.namespace));
    return `node/${args.node} released by ${context.namespace}`;
  },
};
