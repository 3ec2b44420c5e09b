// A view of a Kube whose reads share one request per distinct call: one SLA poll evaluates several
// objectives over the same few objects (a namespace's pods, services, policies), and at hundreds of
// sessions every repeated read is load on the API server and the worker's CPU.
import type { Kube } from './kube.ts';

const READ_METHOD = /^(read|list)/;

function sharingReads<T extends object>(api: T, calls: Map<string, Promise<unknown>>, prefix: string): T {
  return new Proxy(api, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof property !== 'string' || typeof value !== 'function' || !READ_METHOD.test(property)) return value;
      return (...args: unknown[]) => {
        const key = `${prefix}.${property}(${JSON.stringify(args)})`;
        let call = calls.get(key);
        if (!call) {
          call = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          calls.set(key, call);
        }
        return call;
      };
    },
  });
}

/** Reads made through the returned view (for one evaluation, then dropped) hit the API server once each. */
export function readOnce(kube: Kube): Kube {
  const calls = new Map<string, Promise<unknown>>();
  return {
    ...kube,
    core: sharingReads(kube.core, calls, 'core'),
    apps: sharingReads(kube.apps, calls, 'apps'),
    discovery: sharingReads(kube.discovery, calls, 'discovery'),
    objects: sharingReads(kube.objects, calls, 'objects'),
  };
}
