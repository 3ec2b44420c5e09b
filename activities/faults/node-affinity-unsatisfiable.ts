// A required node affinity no node satisfies (a renamed node pool, a typo in a zone): new pods stay Pending.
import type { V1Affinity, V1Deployment } from '@kubernetes/client-node';
import type { FaultHandler } from './handler.ts';
import { currentPodsFailing, deploymentRef, mutate, readObject, saveOnce, takeSaved } from './objects.ts';

export const nodeAffinityUnsatisfiable: FaultHandler<'node-affinity-unsatisfiable'> = {
  async apply(context, { args }) {
    await mutate<V1Deployment>(context, deploymentRef(args.deployment), (deployment) => {
      const pod = deployment.spec!.template.spec!;
      saveOnce(deployment, 'node-affinity-unsatisfiable', pod.affinity ?? null);
      pod.affinity = {
        ...pod.affinity,
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: args.key, operator: 'In', values: [args.value] }] }],
          },
        },
      };
    });
    return `deployment/${args.deployment} requires nodes with ${args.key}=${args.value}`;
  },
  async tookEffect(context, { args }) {
    const deployment = await readObject<V1Deployment>(context, deploymentRef(args.deployment));
    if (!deployment?.metadata?.annotations?.['failurelib.dev/revert.node-affinity-unsatisfiable']) return false;
    return currentPodsFailing(context, args.deployment);
  },
  async revert(context, { args }) {
    let restored = false;
    await mutate<V1Deployment>(context, deploymentRef(args.deployment), (deployment) => {
      const saved = takeSaved<V1Affinity | null>(deployment, 'node-affinity-unsatisfiable');
      if (saved === undefined) return;
      deployment.spec!.template.spec!.affinity = saved ?? undefined;
      restored = true;
    });
    return restored ? `deployment/${args.deployment} affinity restored` : `deployment/${args.deployment}: nothing to revert`;
  },
};
