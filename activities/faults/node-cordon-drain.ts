// A node taken out of service: cordoned, and the sandbox's pods on it evicted. Nodes are shared by every
// session, so the node is annotated with each sandbox that cordoned it; revert uncordons it only when no
// other sandbox still holds it and it was schedulable before. Scenarios should prefer namespace-scoped faults.
import type { V1Node } from '@kubernetes/client-node';
import { ignoreNotFound, statusOf } from '../cluster/kube.ts';
import { FaultTargetMissingError, type FaultContext, type FaultHandler } from './handler.ts';

const HOLD_PREFIX = 'failurelib.dev/cordoned-by.';
const WAS_UNSCHEDULABLE = 'failurelib.dev/was-unschedulable';

async function mutateNode(context: FaultContext, name: string, change: (node: V1Node) => void): Promise<V1Node> {
  for (let attempt = 0; ; attempt += 1) {
    const node = await ignoreNotFound(context.kube.core.readNode({ name }));
    if (!node) throw new FaultTargetMissingError(`node ${name} not found`);
    change(node);
    try {
      return await context.kube.core.replaceNode({ name, body: node, fieldManager: context.fieldManager });
    } catch (error) {
      if (statusOf(error) !== 409 || attempt >= 5) throw error;
    }
  }
}

export const nodeCordonDrain: FaultHandler<'node-cordon-drain'> = {
  async apply(context, { args }) {
    await mutateNode(context, args.node, (node) => {
      const annotations = (node.metadata!.annotations ??= {});
      const held = Object.keys(annotations).some((key) => key.startsWith(HOLD_PREFIX));
      if (!held) annotations[WAS_UNSCHEDULABLE] = String(Boolean(node.spec?.unschedulable));
      annotations[HOLD_PREFIX + context.namespace] = 'true';
      node.spec = { ...node.spec, unschedulable: true };
    });
    const pods = await context.kube.core.listNamespacedPod({ namespace: context.namespace, fieldSelector: `spec.nodeName=${args.node}` });
    await Promise.all(pods.items.map((pod) => ignoreNotFound(context.kube.core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace: context.namespace }))));
    return `node/${args.node} cordoned; ${pods.items.length} sandbox pod(s) evicted`;
  },
  async tookEffect(context, { args }) {
    const node = await ignoreNotFound(context.kube.core.readNode({ name: args.node }));
    return Boolean(node?.spec?.unschedulable);
  },
  async revert(context, { args }) {
    await mutateNode(context, args.node, (node) => {
      const annotations = node.metadata!.annotations ?? {};
      if (!(HOLD_PREFIX + context.namespace in annotations)) return;
      delete annotations[HOLD_PREFIX + context.namespace];
      if (Object.keys(annotations).some((key) => key.startsWith(HOLD_PREFIX))) return;
      node.spec = { ...node.spec, unschedulable: annotations[WAS_UNSCHEDULABLE] === 'true' };
      delete annotations[WAS_UNSCHEDULABLE];
    });
    return `node/${args.node} released by ${context.namespace}`;
  },
};
