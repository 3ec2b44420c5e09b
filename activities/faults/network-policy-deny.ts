// A "default deny" NetworkPolicy rolled out to the wrong pods: ingress is admitted only on `allowPorts`.
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { FaultOf } from '../../scenarios/lib/schema.ts';
import { createOnce, deleteCreated, markedObject, readCreated } from './created-object.ts';
import type { FaultContext, FaultHandler } from './handler.ts';

function policy(context: Pick<FaultContext, 'namespace' | 'sessionId'>, { args }: FaultOf<'network-policy-deny'>): V1NetworkPolicy {
  return markedObject('network-policy-deny', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: args.name, namespace: context.namespace },
    spec: {
      podSelector: { matchLabels: args.podSelector },
      policyTypes: ['Ingress'],
      ingress: args.allowPorts.length > 0 ? [{ ports: args.allowPorts.map((port) => ({ port, protocol: 'TCP' })) }] : [],
    },
  });
}

export const networkPolicyDeny: FaultHandler<'network-policy-deny'> = {
  creates: (context, fault) => [policy(context, fault)],
  async apply(context, fault) {
    await createOnce(context, policy(context, fault));
    return `networkpolicy/${fault.args.name} created`;
  },
  async tookEffect(context, fault) {
    return (await readCreated(context, policy(context, fault))) !== undefined;
  },
  async revert(context, fault) {
    return (await deleteCreated(context, 'network-policy-deny', policy(context, fault)))
      ? `networkpolicy/${fault.args.name} deleted`
      : 'nothing to revert';
  },
};
