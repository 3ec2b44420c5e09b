// The shape shared by faults that change one container of a Deployment's pod template: keep the fields
// they change, change them (which rolls the Deployment), and put them back on revert.
import type { V1Container, V1Deployment } from '@kubernetes/client-node';
import type { FaultArgs } from '../../scenarios/lib/schema.ts';
import type { FaultHandler } from './handler.ts';
import { containerIn, currentPodsFailing, deploymentRef, mutate, readObject, saveOnce, takeSaved } from './objects.ts';

type ContainerFaultType =
  'nonexistent-image' | 'env-var-changed' | 'liveness-probe-too-aggressive' | 'cpu-limit-throttling' | 'memory-limit-oom';

export function containerFault<T extends ContainerFaultType>(
  type: T,
  fields: (keyof V1Container)[],
  change: (container: V1Container, args: FaultArgs<T>) => string,
): FaultHandler<T> {
  const argsOf = (fault: unknown) => (fault as { args: { deployment: string; container?: string } }).args;
  return {
    async apply(context, fault) {
      const args = argsOf(fault);
      let summary = '';
      await mutate<V1Deployment>(context, deploymentRef(args.deployment), (deployment) => {
        const container = containerIn(deployment, args.container);
        saveOnce(deployment, type, Object.fromEntries(fields.map((field) => [field, container[field] ?? null])));
        summary = `deployment/${args.deployment}: ${change(container, args as FaultArgs<T>)}`;
      });
      return summary;
    },
    async tookEffect(context, fault) {
      const args = argsOf(fault);
      const deployment = await readObject<V1Deployment>(context, deploymentRef(args.deployment));
      if (!deployment?.metadata?.annotations?.[`failurelib.dev/revert.${type}`]) return false;
      return currentPodsFailing(context, args.deployment);
    },
    async revert(context, fault) {
      const args = argsOf(fault);
      let reverted = false;
      await mutate<V1Deployment>(context, deploymentRef(args.deployment), (deployment) => {
        const saved = takeSaved<Record<string, unknown>>(deployment, type);
        if (!saved) return;
        const container = containerIn(deployment, args.container) as unknown as Record<string, unknown>;
        for (const [field, value] of Object.entries(saved)) {
          if (value === null) delete container[field];
          else container[field] = value;
        }
        reverted = true;
      });
      return reverted ? `deployment/${args.deployment}: restored ${fields.join(', ')}` : `deployment/${args.deployment}: nothing to revert`;
    },
  };
}
