// The namespace-per-session drivers on the sim cluster: a `namespace` sandbox is fenced (quota, limits,
// network isolation), everything it creates carries the session label, and it is found and removed by label;
// with FL_SANDBOX_PLACEMENT=real its pods go to the real node.
import { randomUUID } from 'node:crypto';
import { AuthenticationV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { createClusterDriver } from '../../cluster/drivers.ts';
import { connectKube } from '../../cluster/kube.ts';
import { SESSION_LABEL, sandboxNamespace } from '../../cluster/labels.ts';
import { NODE_SELECTOR_ANNOTATION, REAL_NODE_LABEL, REAL_NODE_TAINT } from '../../cluster/placement.ts';
import { loadConfig } from '../../config/config.ts';
import { namespaceExists } from '../support/session-client.ts';

describe('cluster drivers', () => {
  const kube = connectKube(inject('kubeconfig'));

  it('namespace: fences the sandbox with a quota, default limits and a network policy, all labelled', async () => {
    const driver = createClusterDriver('namespace', kube);
    const sessionId = randomUUID();
    const namespace = await driver.createSandbox(sessionId);
    expect(namespace).toBe(sandboxNamespace(sessionId));
    expect(await driver.createSandbox(sessionId)).toBe(namespace);

    const [quotas, limits, policies] = await Promise.all([
      kube.core.listNamespacedResourceQuota({ namespace }),
      kube.core.listNamespacedLimitRange({ namespace }),
      kube.config.makeApiClient(NetworkingV1Api).listNamespacedNetworkPolicy({ namespace }),
    ]);
    expect(quotas.items.map((item) => item.metadata?.labels?.[SESSION_LABEL])).toEqual([sessionId]);
    expect(quotas.items[0]?.spec?.hard).toMatchObject({ pods: '50' });
    expect(limits.items.map((item) => item.metadata?.labels?.[SESSION_LABEL])).toEqual([sessionId]);
    expect(limits.items[0]?.spec?.limits[0]?._default).toEqual({ cpu: '500m', memory: '512Mi' });
    const policy = policies.items[0];
    expect(policy?.metadata?.labels?.[SESSION_LABEL]).toBe(sessionId);
    expect(policy?.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    // Traffic only from and to the sandbox itself (and DNS). client-node calls the wire's `from` `_from`.
    const own = { 'kubernetes.io/metadata.name': namespace };
    expect(policy?.spec?.ingress?.map((rule) => rule._from?.map((peer) => peer.namespaceSelector?.matchLabels))).toEqual([[own]]);
    expect(policy?.spec?.egress?.[0]?.to?.map((peer) => peer.namespaceSelector?.matchLabels)).toEqual([own]);

    expect((await driver.listSandboxes()).map((sandbox) => sandbox.sessionId)).toContain(sessionId);
    await expect.poll(() => driver.deleteSandbox(sessionId), { timeout: 60_000, interval: 500 }).toBe(true);
    expect(await namespaceExists(kube, namespace)).toBe(false);
  });

  it('sim: a bare namespace, and credentials of its own participant account', async () => {
    const driver = createClusterDriver('sim', kube);
    const sessionId = randomUUID();
    const namespace = await driver.createSandbox(sessionId);
    await driver.grantParticipantAccess(sessionId, namespace);
    expect((await kube.core.listNamespacedResourceQuota({ namespace })).items).toEqual([]);
    const credentials = await driver.sandboxCredentials(sessionId, namespace);
    expect(credentials.expiresAt.getTime()).toBeGreaterThan(Date.now() + 30 * 60 * 1000);
    const review = await kube.config.makeApiClient(AuthenticationV1Api).createTokenReview({ body: { spec: { token: credentials.token } } });
    expect(review.status?.authenticated).toBe(true);
    expect(review.status?.user?.username).toBe(`system:serviceaccount:${namespace}:participant`);
    await expect.poll(() => driver.deleteSandbox(sessionId), { timeout: 60_000, interval: 500 }).toBe(true);
  });

  it('sim with FL_SANDBOX_PLACEMENT=real: every pod of the sandbox, as created, selects the real node and tolerates its taint', async () => {
    const driver = createClusterDriver('sim', kube, { ...loadConfig({}), placement: 'real' });
    const sessionId = randomUUID();
    const namespace = await driver.createSandbox(sessionId);
    const read = await kube.core.readNamespace({ name: namespace });
    expect(read.metadata?.labels).toMatchObject({ [SESSION_LABEL]: sessionId, 'pod-security.kubernetes.io/enforce': 'baseline' });
    // The apiserver's admission plugins write the placement into a plain pod (no real node needed: it stays Pending).
    const pod = await kube.core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'plain' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
    });
    expect(pod.spec?.nodeSelector).toEqual({ [REAL_NODE_LABEL.key]: REAL_NODE_LABEL.value });
    expect(pod.spec?.tolerations).toContainEqual(expect.objectContaining(REAL_NODE_TAINT));
    // Pod Security baseline: a host-network pod is refused.
    await expect(
      kube.core.createNamespacedPod({
        namespace,
        body: { metadata: { name: 'host' }, spec: { hostNetwork: true, containers: [{ name: 'main', image: 'busybox' }] } },
      }),
    ).rejects.toThrow(/hostNetwork/);
    // The default placement leaves the namespace as it was.
    const simId = randomUUID();
    const simNamespace = await createClusterDriver('sim', kube).createSandbox(simId);
    expect((await kube.core.readNamespace({ name: simNamespace })).metadata?.annotations ?? {}).not.toHaveProperty(
      NODE_SELECTOR_ANNOTATION,
    );
    await expect.poll(() => driver.deleteSandbox(sessionId), { timeout: 60_000, interval: 500 }).toBe(true);
    await expect.poll(() => driver.deleteSandbox(simId), { timeout: 60_000, interval: 500 }).toBe(true);
  });
});
