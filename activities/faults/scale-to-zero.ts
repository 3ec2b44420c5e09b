// An automation or a tired human sets replicas to 0: nothing fails, nothing serves.
import type { V1Deployment } from '@kubernetes/client-node';
import type { FaultHandler } from './handler.ts';
import { deploymentRef, mutate, readObject, saveOnce, takeSaved } from './objects.ts';

export const scaleToZero: FaultHandler<'scale-to-zero'> = {
  async apply(context, { args }) {
    await mutate<V1Deployment>(context, deploymentRef(args.deployment), (deployment) => {
      saveOnce(deployment, 'scale-to-zero', deployment.spec!.replicas ?? 1);
      deployment.spec!.replicas = 0;
    });
    return `scaled deployment/${args.deployment} to 0 replicas`;
  },
  async tookEffect(context, { args }) {
    const deployment = await readObject<V1Deployment>(context, deploymentRef(args.deployment));
    return (deployment?.spec?.replicas ?? 0) === 0 && (deployment?.status?.availableReplicas ?? 0) === 0;
  },
  async revert(context, { args }) {
    let replicas: number | undefined;
    await mutate<V1Deployment>(context, deploymentRef(args.deployment), (deployment) => {
      replicas = takeSaved<number>(deployment, 'scale-to-zero');
      if (replicas !== undefined) deployment.spec!.replicas = replicas;
    });
    return replicas === undefined
      ? `deployment/${args.deployment}: nothing to revert`
      : `scaled deployment/${args.deployment} back to ${replicas}`;
  },
};
