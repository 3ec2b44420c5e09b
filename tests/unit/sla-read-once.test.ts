// One SLA reading of a sandbox asks the API server for each object once, however many objectives read it:
// at 200 sessions polled every 2 s, repeated reads were most of the worker's and the API server's work.
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Kube } from '../../cluster/kube.ts';
import { readOnce } from '../../cluster/read-once.ts';
import { readSla } from '../../activities/sla/kube-state.ts';
import type { Objective } from '../../scenarios/lib/schema.ts';

const service = (name: string): V1Service => ({
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
});
const pod = (app: string, index: number, ready = true): V1Pod => ({
  metadata: { name: `${app}-${index}`, labels: { app } },
  spec: { containers: [{ name: app, ports: [{ containerPort: 8080 }] }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

/** A sandbox in memory behind the client-node method names the predicates call; every call is counted. */
function countingKube(pods: V1Pod[]): { kube: Kube; calls: string[] } {
  const calls: string[] = [];
  const answer =
    <T>(name: string, value: T) =>
    async (..._args: unknown[]) => {
      calls.push(name);
      return value;
    };
  const kube = {
    core: {
      listNamespacedPod: answer('pods', { items: pods }),
      listNamespacedService: answer('services', { items: ['storefront', 'catalog', 'cart'].map(service) }),
    },
    apps: {
      readNamespacedDeployment: answer('deployment', {
        spec: { replicas: 2, selector: { matchLabels: { app: 'storefront' } } },
        status: { availableReplicas: 2 },
      }),
    },
    discovery: {},
    objects: { list: answer('networkpolicies', { items: [] }) },
  } as unknown as Kube;
  return { kube, calls };
}

const reachable = (name: string, minPods: number): Objective =>
  ({ name: `${name}-reachable`, description: name, kubeState: { serviceReachable: { name, minPods } } }) as Objective;

describe('one SLA reading', () => {
  it('reads pods, services and policies once for all objectives and still judges each service on its own pods', async () => {
    const { kube, calls } = countingKube([
      pod('storefront', 0),
      pod('storefront', 1),
      pod('catalog', 0),
      pod('catalog', 1, false),
      pod('cart', 0),
    ]);
    const objectives = [reachable('storefront', 2), reachable('catalog', 2), reachable('cart', 1)];
    const reading = await readSla(kube, 'sandbox-1', objectives);
    expect(reading.objectives.map((o) => [o.name, o.status, o.value])).toEqual([
      ['storefront-reachable', 'green', 2],
      ['catalog-reachable', 'red', 1],
      ['cart-reachable', 'green', 1],
    ]);
    expect(reading.status).toBe('red');
    expect(calls.sort()).toEqual(['networkpolicies', 'pods', 'services']);
  });

  it('shares the deployment read between a predicate and its SLIs', async () => {
    const { kube, calls } = countingKube([pod('storefront', 0), pod('storefront', 1)]);
    const objective = {
      name: 'storefront-up',
      description: 'up',
      kubeState: { deploymentAvailable: { name: 'storefront', minAvailable: 2 } },
      kubeStateSlis: { deployment: 'storefront', minAvailableRatio: 1 },
    } as Objective;
    const reading = await readSla(kube, 'sandbox-1', [objective]);
    expect(reading.objectives[0]).toMatchObject({ status: 'green', slis: { availableRatio: 1, pendingPods: 0 } });
    expect(calls.sort()).toEqual(['deployment', 'pods']);
  });

  it('the next reading asks again: nothing is cached beyond one reading', async () => {
    const { kube, calls } = countingKube([pod('cart', 0)]);
    await readSla(kube, 'sandbox-1', [reachable('cart', 1)]);
    await readSla(kube, 'sandbox-1', [reachable('cart', 1)]);
    expect(calls.filter((call) => call === 'pods')).toHaveLength(2);
  });

  it('different arguments are different reads', async () => {
    const { kube, calls } = countingKube([]);
    const view = readOnce(kube);
    await Promise.all([
      view.core.listNamespacedPod({ namespace: 'a' }),
      view.core.listNamespacedPod({ namespace: 'b' }),
      view.core.listNamespacedPod({ namespace: 'a' }),
    ]);
    expect(calls).toEqual(['pods', 'pods']);
  });
});
