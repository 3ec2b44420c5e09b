// A selector that no longer matches the pods' labels (a relabel, a typo): the Service has no endpoints.
import type { V1Service } from '@kubernetes/client-node';
import { evaluatePredicate } from '../oracle/predicates.ts';
import type { FaultHandler } from './handler.ts';
import { mutate, readObject, saveOnce, serviceRef, takeSaved } from './objects.ts';

export const serviceSelectorMismatch: FaultHandler<'service-selector-mismatch'> = {
  async apply(context, { args }) {
    await mutate<V1Service>(context, serviceRef(args.service), (service) => {
      saveOnce(service, 'service-selector-mismatch', service.spec?.selector ?? null);
      service.spec!.selector = args.selector;
    });
    return `service/${args.service} selector replaced`;
  },
  async tookEffect(context, { args }) {
    const service = await readObject<V1Service>(context, serviceRef(args.service));
    if (JSON.stringify(service?.spec?.selector) !== JSON.stringify(args.selector)) return false;
    return !(await evaluatePredicate(context.kube, context.namespace, { serviceReachable: { name: args.service, minPods: 1 } })).ok;
  },
  async revert(context, { args }) {
    let restored = false;
    await mutate<V1Service>(context, serviceRef(args.service), (service) => {
      const selector = takeSaved<Record<string, string> | null>(service, 'service-selector-mismatch');
      if (selector === undefined) return;
      service.spec!.selector = selector ?? undefined;
      restored = true;
    });
    return restored ? `service/${args.service} selector restored` : `service/${args.service}: nothing to revert`;
  },
};
