// The Service forwards to a port the pods do not listen on: endpoints look fine, every connection is refused.
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { evaluatePredicate } from '../oracle/predicates.ts';
import { FaultTargetMissingError, type FaultHandler } from './handler.ts';
import { mutate, saveOnce, serviceRef, takeSaved } from './objects.ts';

function portOf(service: V1Service, name?: string): V1ServicePort {
  const ports = service.spec?.ports ?? [];
  const port = name ? ports.find((p) => p.name === name) : ports[0];
  if (!port) throw new FaultTargetMissingError(`service ${service.metadata?.name} has no port ${name ?? ''}`.trim());
  return port;
}

export const wrongTargetPort: FaultHandler<'wrong-target-port'> = {
  async apply(context, { args }) {
    await mutate<V1Service>(context, serviceRef(args.service), (service) => {
      const port = portOf(service, args.port);
      saveOnce(service, 'wrong-target-port', port.targetPort ?? null);
      port.targetPort = args.targetPort;
    });
    return `service/${args.service} targetPort set to ${args.targetPort}`;
  },
  async tookEffect(context, { args }) {
    return !(await evaluatePredicate(context.kube, context.namespace, { serviceReachable: { name: args.service, minPods: 1 } })).ok;
  },
  async revert(context, { args }) {
    let restored = false;
    await mutate<V1Service>(context, serviceRef(args.service), (service) => {
      const saved = takeSaved<number | string | null>(service, 'wrong-target-port');
      if (saved === undefined) return;
      portOf(service, args.port).targetPort = saved ?? undefined;
      restored = true;
    });
    return restored ? `service/${args.service} targetPort restored` : `service/${args.service}: nothing to revert`;
  },
};
