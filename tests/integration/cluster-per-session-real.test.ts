// The kind and vcluster drivers against the real tools, where they exist: kind needs its CLI and a running Docker;
// vcluster needs its CLI, helm and a host cluster named by FL_VCLUSTER_HOST_KUBECONFIG. Elsewhere (this project's
// CI machine has neither) each test is skipped and its name says what is missing; the stand-in CLIs of
// cluster-per-session.test.ts cover the plumbing there.
import { randomUUID } from 'node:crypto';
import { AuthenticationV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { missingFor } from '../../cluster/cluster-per-session.ts';
import type { ClusterDriver } from '../../cluster/driver.ts';
import { createClusterDriver } from '../../cluster/drivers.ts';
import { connectKube } from '../../cluster/kube.ts';
import { parseManifests } from '../../cluster/sandbox.ts';
import { loadConfig } from '../../config/config.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';

const CLUSTER_MINUTES = 10 * 60_000;

/** A sandbox on a real cluster of its own: the system deployed, the participant's token accepted, then deleted. */
async function roundTrip(driver: ClusterDriver): Promise<void> {
  const sessionId = randomUUID();
  try {
    const namespace = await driver.createSandbox(sessionId);
    const library = loadLibrary(loadConfig({}).scenariosDir);
    await driver.applyManifests(sessionId, namespace, parseManifests(library.systems.get('demo-app')!.manifests));
    await driver.grantParticipantAccess(sessionId, namespace);
    const kube = await driver.kubeFor(sessionId);
    expect((await kube.apps.listNamespacedDeployment({ namespace })).items.map((d) => d.metadata?.name)).toContain('storefront');
    const { token } = await driver.sandboxCredentials(sessionId, namespace);
    const review = await kube.config.makeApiClient(AuthenticationV1Api).createTokenReview({ body: { spec: { token } } });
    expect(review.status?.user?.username).toBe(`system:serviceaccount:${namespace}:participant`);
    expect((await driver.listSandboxes()).map((sandbox) => sandbox.sessionId)).toContain(sessionId);
  } finally {
    await expect.poll(() => driver.deleteSandbox(sessionId), { timeout: CLUSTER_MINUTES, interval: 2000 }).toBe(true);
  }
  expect((await driver.listSandboxes()).map((sandbox) => sandbox.sessionId)).not.toContain(sessionId);
}

const skipped = (missing: string[]) => (missing.length > 0 ? ` (skipped: ${missing.join('; ')})` : '');

describe('cluster-per-session drivers against the real tools', () => {
  const kindMissing = missingFor('kind');
  it.skipIf(kindMissing.length > 0)(
    `kind: a real kind cluster per session${skipped(kindMissing)}`,
    async () => {
      const config = loadConfig({ CLUSTER_DRIVER: 'kind' });
      await roundTrip(createClusterDriver('kind', undefined, { clusters: config.clusters, kubeconfig: config.kubeconfig }));
    },
    CLUSTER_MINUTES * 2,
  );

  const host = process.env.FL_VCLUSTER_HOST_KUBECONFIG;
  const vclusterMissing = [...missingFor('vcluster'), ...(host ? [] : ['FL_VCLUSTER_HOST_KUBECONFIG names no host cluster'])];
  it.skipIf(vclusterMissing.length > 0)(
    `vcluster: a real virtual cluster per session${skipped(vclusterMissing)}`,
    async () => {
      const config = loadConfig({ ...process.env, CLUSTER_DRIVER: 'vcluster', FL_KUBECONFIG: host });
      await roundTrip(
        createClusterDriver('vcluster', connectKube(config.kubeconfig), { clusters: config.clusters, kubeconfig: config.kubeconfig }),
      );
    },
    CLUSTER_MINUTES * 2,
  );
});
