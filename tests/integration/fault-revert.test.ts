// Reverting faults, as the workflow's `revert` step and teardown do: for every fault type, apply it twice
// (a retried activity), confirm it took, revert it, and the system is healthy again with no engine
// annotation left behind. Cluster-scoped faults are checked for what they do outside the sandbox.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { connectKube } from '../../cluster/kube.ts';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { deleteSandbox } from '../../cluster/sandbox.ts';
import { applyFault, faultTookEffect, revertFault } from '../../activities/faults/apply-fault.ts';
import { releaseClusterScoped } from '../../cluster/cluster-scoped.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';
import type { Fault } from '../../scenarios/lib/schema.ts';
import { faultSteps } from '../../scenarios/lib/steps.ts';
import { provision, slaIs, waitFor } from '../support/scenario-runner.ts';

const library = loadLibrary(join(import.meta.dirname, '../../scenarios'));
const kube = connectKube(inject('kubeconfig'));

/** The first library fault of each type, with a system it runs on. */
const byType = new Map<string, { fault: Fault; systemId: string }>();
for (const scenario of library.scenarios.values()) {
  for (const { fault } of faultSteps(scenario.spec.steps)) {
    if (!byType.has(fault.type)) byType.set(fault.type, { fault, systemId: scenario.spec.systems[0]! });
  }
}

async function engineAnnotationsLeft(namespace: string): Promise<string[]> {
  const lists = await Promise.all([
    kube.apps.listNamespacedDeployment({ namespace }),
    kube.core.listNamespacedService({ namespace }),
    kube.core.listNamespacedSecret({ namespace }),
    kube.core.listNamespacedConfigMap({ namespace }),
  ]);
  return lists
    .flatMap((list) => list.items as { metadata?: { name?: string; annotations?: Record<string, string> } }[])
    .flatMap((item) =>
      Object.keys(item.metadata?.annotations ?? {})
        .filter((key) => key.startsWith('failurelib.dev/revert.'))
        .map((key) => `${item.metadata?.name}: ${key}`),
    );
}

/** Runs a case in its own sandbox and deletes it afterwards (the fake nodes' pod capacity is shared). */
async function inSandbox(systemId: string, work: (namespace: string, sessionId: string) => Promise<void>): Promise<void> {
  const sessionId = randomUUID();
  try {
    await work(await provision(kube, sessionId, library.systems.get(systemId)!), sessionId);
  } finally {
    await releaseClusterScoped(kube, sandboxNamespace(sessionId));
    await waitFor(`sandbox ${sessionId} deleted`, () => deleteSandbox(kube, sessionId), 60_000);
  }
}

describe('reverting faults', () => {
  it.concurrent.each([...byType.entries()].map(([type, entry]) => ({ type, ...entry })))(
    '$type: applied twice, reverted once, healthy again',
    async ({ fault, systemId }) => {
      const system = library.systems.get(systemId)!;
      await inSandbox(systemId, async (namespace) => {
        await waitFor('baseline green', () => slaIs(kube, namespace, system, 'green'), 60_000);
        await applyFault(kube, namespace, fault);
        await applyFault(kube, namespace, fault);
        await waitFor('fault took effect', () => faultTookEffect(kube, namespace, fault), 60_000);
        expect(await revertFault(kube, namespace, fault)).not.toMatch(/nothing to revert/);
        expect(await revertFault(kube, namespace, fault)).toMatch(/nothing to revert/);
        await waitFor('SLA green again after the revert', () => slaIs(kube, namespace, system, 'green'), 90_000);
        expect(await engineAnnotationsLeft(namespace)).toEqual([]);
      });
    },
    240_000,
  );

  it('webhook-fail-closed refuses pod creation in its sandbox only, until reverted', async () => {
    await inSandbox('demo-app', async (namespace, sessionId) => {
      await kube.core.createNamespacedService({
        namespace,
        body: { metadata: { name: 'policy-webhook' }, spec: { selector: { app: 'policy-webhook' }, ports: [{ port: 443 }] } },
      });
      const fault: Fault = { type: 'webhook-fail-closed', args: { name: 'pod-policy', service: 'policy-webhook' } };
      await applyFault(kube, namespace, fault, { sessionId });
      expect(await faultTookEffect(kube, namespace, fault)).toBe(true);
      const pod = { metadata: { name: 'probe' }, spec: { containers: [{ name: 'c', image: 'docker.io/library/busybox:1.37.0' }] } };
      await expect(kube.core.createNamespacedPod({ namespace, body: pod })).rejects.toThrow(/pod-policy/);
      await revertFault(kube, namespace, fault, { sessionId });
      await waitFor(
        'pods admitted again',
        () =>
          kube.core.createNamespacedPod({ namespace, body: pod }).then(
            () => true,
            () => false,
          ),
        30_000,
      );
    });
  }, 120_000);

  it('teardown releases what a sandbox left outside its namespace: its webhook and the nodes it cordoned', async () => {
    await inSandbox('demo-app', async (namespace, sessionId) => {
      const webhook: Fault = { type: 'webhook-fail-closed', args: { name: 'pod-policy', service: 'policy-webhook' } };
      const node: Fault = { type: 'node-cordon-drain', args: { node: 'kwok-node-2' } };
      await applyFault(kube, namespace, webhook, { sessionId });
      await applyFault(kube, namespace, node, { sessionId });
      expect(await faultTookEffect(kube, namespace, node)).toBe(true);
      const left = await kube.core.listNamespacedPod({ namespace, fieldSelector: 'spec.nodeName=kwok-node-2' });
      expect(left.items.filter((pod) => !pod.metadata?.deletionTimestamp)).toEqual([]);
      const released = await releaseClusterScoped(kube, namespace);
      expect(released).toEqual([`validatingwebhookconfiguration/pod-policy-${namespace}`, `node/kwok-node-2 released by ${namespace}`]);
      const after = await kube.core.readNode({ name: 'kwok-node-2' });
      expect(after.spec?.unschedulable ?? false).toBe(false);
      expect(Object.keys(after.metadata?.annotations ?? {}).filter((key) => key.startsWith('failurelib.dev/'))).toEqual([]);
    });
  }, 120_000);
});
