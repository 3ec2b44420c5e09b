// A namespace quota set below what the workloads use: running pods stay, but the next rollout's pods are refused.
import type { V1Deployment, V1ResourceQuota } from '@kubernetes/client-node';
import type { FaultOf } from '../../scenarios/lib/schema.ts';
import { createOnce, deleteCreated, markedObject, readCreated } from './created-object.ts';
import type { FaultContext, FaultHandler } from './handler.ts';
import { deploymentRef, markRestart, mutate, readObject } from './objects.ts';

function quota(context: Pick<FaultContext, 'namespace' | 'sessionId'>, { args }: FaultOf<'resource-quota-too-small'>): V1ResourceQuota {
  return markedObject('resource-quota-too-small', {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: args.name, namespace: context.namespace },
    spec: { hard: args.hard },
  });
}

export const resourceQuotaTooSmall: FaultHandler<'resource-quota-too-small'> = {
  creates: (context, fault) => [quota(context, fault)],
  async apply(context, fault) {
    const existing = await readCreated(context, quota(context, fault));
    await createOnce(context, quota(context, fault));
    // Restart only on the first apply: a retried apply must not start a second rollout.
    if (!existing) await mutate<V1Deployment>(context, deploymentRef(fault.args.rollout), markRestart);
    return `resourcequota/${fault.args.name} created; deployment/${fault.args.rollout} restarted`;
  },
  async tookEffect(context, fault) {
    if (!(await readCreated(context, quota(context, fault)))) return false;
    const deployment = await readObject<V1Deployment>(context, deploymentRef(fault.args.rollout));
    const refused = (deployment?.status?.conditions ?? []).some((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    return refused || (deployment?.status?.availableReplicas ?? 0) < (deployment?.spec?.replicas ?? 0);
  },
  async revert(context, fault) {
    return (await deleteCreated(context, 'resource-quota-too-small', quota(context, fault)))
      ? `resourcequota/${fault.args.name} deleted`
      : 'nothing to revert';
  },
};
