// An autoscaler whose maxReplicas is below what peak load needs: it scales the Deployment down to the cap.
import type { V1Deployment, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { FaultOf } from '../../scenarios/lib/schema.ts';
import { createOnce, deleteCreated, markedObject, readCreated } from './created-object.ts';
import type { FaultContext, FaultHandler } from './handler.ts';
import { deploymentRef, mutate, readObject, saveOnce, takeSaved, type ObjectRef } from './objects.ts';

const hpaRef = (name: string): ObjectRef => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name });

function autoscaler(
  context: Pick<FaultContext, 'namespace' | 'sessionId'>,
  { args }: FaultOf<'hpa-max-too-low'>,
): V2HorizontalPodAutoscaler {
  return markedObject('hpa-max-too-low', {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: args.deployment, namespace: context.namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: args.deployment },
      minReplicas: 1,
      maxReplicas: args.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  });
}

export const hpaMaxTooLow: FaultHandler<'hpa-max-too-low'> = {
  creates: (context, fault) => [autoscaler(context, fault)],
  async apply(context, fault) {
    // The autoscaler scales the Deployment down; revert gives it back the replicas it had.
    await mutate<V1Deployment>(context, deploymentRef(fault.args.deployment), (deployment) =>
      saveOnce(deployment, 'hpa-max-too-low', deployment.spec?.replicas ?? 1),
    );
    const existing = await readObject<V2HorizontalPodAutoscaler>(context, hpaRef(fault.args.deployment));
    if (!existing) {
      await createOnce(context, autoscaler(context, fault));
      return `horizontalpodautoscaler/${fault.args.deployment} created with maxReplicas ${fault.args.maxReplicas}`;
    }
    await mutate<V2HorizontalPodAutoscaler>(context, hpaRef(fault.args.deployment), (hpa) => {
      saveOnce(hpa, 'hpa-max-too-low', hpa.spec!.maxReplicas);
      hpa.spec!.maxReplicas = fault.args.maxReplicas;
      if ((hpa.spec!.minReplicas ?? 1) > fault.args.maxReplicas) hpa.spec!.minReplicas = fault.args.maxReplicas;
    });
    return `horizontalpodautoscaler/${fault.args.deployment} maxReplicas set to ${fault.args.maxReplicas}`;
  },
  async tookEffect(context, fault) {
    const hpa = await readCreated(context, autoscaler(context, fault));
    const deployment = await readObject<V1Deployment>(context, deploymentRef(fault.args.deployment));
    return hpa?.spec?.maxReplicas === fault.args.maxReplicas && (deployment?.spec?.replicas ?? 0) <= fault.args.maxReplicas;
  },
  async revert(context, fault) {
    let summary = 'nothing to revert';
    if (await deleteCreated(context, 'hpa-max-too-low', autoscaler(context, fault))) {
      summary = `horizontalpodautoscaler/${fault.args.deployment} deleted`;
    } else if (await readObject<V2HorizontalPodAutoscaler>(context, hpaRef(fault.args.deployment))) {
      await mutate<V2HorizontalPodAutoscaler>(context, hpaRef(fault.args.deployment), (hpa) => {
        const saved = takeSaved<number>(hpa, 'hpa-max-too-low');
        if (saved === undefined) return;
        hpa.spec!.maxReplicas = saved;
        summary = `horizontalpodautoscaler/${fault.args.deployment} maxReplicas restored`;
      });
    }
    await mutate<V1Deployment>(context, deploymentRef(fault.args.deployment), (deployment) => {
      const replicas = takeSaved<number>(deployment, 'hpa-max-too-low');
      if (replicas !== undefined) deployment.spec!.replicas = replicas;
    });
    return summary;
  },
};
