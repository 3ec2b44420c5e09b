// What a sandbox leaves outside its namespace: webhook configurations labelled with it and nodes it
// cordoned. Deleting the namespace does not remove these, so teardown and the sweeper call
// releaseClusterScoped. The faults that create them (activities/faults) mark them with the conventions here.
import type { V1Node, V1ValidatingWebhookConfiguration } from '@kubernetes/client-node';
import { ignoreNotFound, statusOf, type Kube } from './kube.ts';
import { SANDBOX_LABEL } from './labels.ts';

/** Nodes are shared by every session: each sandbox that cordons one holds it under its own annotation. */
const HOLD_PREFIX = 'failurelib.dev/cordoned-by.';
const WAS_UNSCHEDULABLE = 'failurelib.dev/was-unschedulable';
/** Releasing a hold looks like what an operator would run, never like the engine (Challenge mode shows managedFields). */
const UNCORDON_FIELD_MANAGER = 'kubectl-cordon';

/** Reads, changes and replaces a node, retrying on conflicts; undefined when the node does not exist. */
export async function updateNode(
  kube: Kube,
  name: string,
  change: (node: V1Node) => void,
  fieldManager = UNCORDON_FIELD_MANAGER,
): Promise<V1Node | undefined> {
  for (let attempt = 0; ; attempt += 1) {
    const node = await ignoreNotFound(kube.core.readNode({ name }));
    if (!node) return undefined;
    change(node);
    try {
      return await kube.core.replaceNode({ name, body: node, fieldManager });
    } catch (error) {
      if (statusOf(error) !== 409 || attempt >= 5) throw error;
    }
  }
}

export function holdsNode(node: V1Node, namespace: string): boolean {
  return HOLD_PREFIX + namespace in (node.metadata?.annotations ?? {});
}

/** Cordons the node on behalf of the sandbox, remembering whether it was schedulable before anyone held it. */
export function holdNode(node: V1Node, namespace: string): void {
  const annotations = (node.metadata!.annotations ??= {});
  const held = Object.keys(annotations).some((key) => key.startsWith(HOLD_PREFIX));
  if (!held) annotations[WAS_UNSCHEDULABLE] = String(Boolean(node.spec?.unschedulable));
  annotations[HOLD_PREFIX + namespace] = 'true';
  node.spec = { ...node.spec, unschedulable: true };
}

/** Drops the sandbox's hold; the node is uncordoned only when no other sandbox holds it and it was schedulable before. */
export function releaseNodeHold(node: V1Node, namespace: string): void {
  const annotations = node.metadata!.annotations ?? {};
  if (!(HOLD_PREFIX + namespace in annotations)) return;
  delete annotations[HOLD_PREFIX + namespace];
  if (Object.keys(annotations).some((key) => key.startsWith(HOLD_PREFIX))) return;
  node.spec = { ...node.spec, unschedulable: annotations[WAS_UNSCHEDULABLE] === 'true' };
  delete annotations[WAS_UNSCHEDULABLE];
}

export async function releaseClusterScoped(kube: Kube, namespace: string): Promise<string[]> {
  const released: string[] = [];
  const webhooks = await kube.objects.list<V1ValidatingWebhookConfiguration>(
    'admissionregistration.k8s.io/v1',
    'ValidatingWebhookConfiguration',
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    `${SANDBOX_LABEL}=${namespace}`,
  );
  for (const webhook of webhooks.items) {
    // List items carry no apiVersion/kind, which the generic client needs to address the object.
    await ignoreNotFound(
      kube.objects.delete({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: webhook.metadata!.name! },
      }),
    );
    released.push(`validatingwebhookconfiguration/${webhook.metadata?.name}`);
  }
  const nodes = await kube.core.listNode();
  for (const node of nodes.items) {
    if (!holdsNode(node, namespace)) continue;
    const name = node.metadata!.name!;
    // A node deleted meanwhile holds nothing any more.
    await updateNode(kube, name, (current) => releaseNodeHold(current, namespace));
    released.push(`node/${name} released by ${namespace}`);
  }
  return released;
}
