// What a sandbox leaves outside its namespace: webhook configurations labelled with it and nodes it
// cordoned. Deleting the namespace does not remove these, so teardown and the sweeper call this.
import type { V1ValidatingWebhookConfiguration } from '@kubernetes/client-node';
import { ignoreNotFound, type Kube } from '../cluster/kube.ts';
import { SANDBOX_LABEL } from './handler.ts';
import { faultFieldManager } from './field-managers.ts';
import { nodeCordonDrain } from './node-cordon-drain.ts';

export async function releaseClusterScoped(kube: Kube, namespace: string): Promise<string[]> {
  const released: string[] = [];
  const webhooks = await kube.objects.list<V1ValidatingWebhookConfiguration>('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', undefined, undefined, undefined, undefined, undefined, `${SANDBOX_LABEL}=${namespace}`);
  for (const webhook of webhooks.items) {
    // List items carry no apiVersion/kind, which the generic client needs to address the object.
    await ignoreNotFound(kube.objects.delete({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: webhook.metadata!.name! } }));
    released.push(`validatingwebhookconfiguration/${webhook.metadata?.name}`);
  }
  const nodes = await kube.core.listNode();
  for (const node of nodes.items) {
    if (!(`failurelib.dev/cordoned-by.${namespace}` in (node.metadata?.annotations ?? {}))) continue;
    released.push(await nodeCordonDrain.revert({ kube, namespace, fieldManager: faultFieldManager({ type: 'node-cordon-drain' }) }, { type: 'node-cordon-drain', args: { node: node.metadata!.name! } }));
  }
  return released;
}
