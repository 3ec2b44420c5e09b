// The cluster-per-session drivers end to end on the real stack. kind needs Docker and vcluster a host cluster,
// neither of which this machine has: the stand-in CLIs of tests/support/cluster-tools/ take their place (they
// follow the documented commands and hand out this test's sim cluster as "the session's cluster"). What is
// real: the drivers' command lines and output parsing, Temporal, the worker, the API, the gateway, kubectl.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AuthenticationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clusterName } from '../../cluster/cluster-names.ts';
import { createClusterDriver } from '../../cluster/drivers.ts';
import { connectKube } from '../../cluster/kube.ts';
import { SESSION_LABEL, sandboxNamespace } from '../../cluster/labels.ts';
import { sweepSandboxes } from '../../activities/sweeper.ts';
import { loadConfig } from '../../config/config.ts';
import { useStandInClusterTools, type StandInTools } from '../support/cluster-tools.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, kubectl, namespaceExists, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

const database = () => inject('databases')[0]!;

describe('kind driver (stand-in kind CLI)', () => {
  let tools: StandInTools;
  let harness: Harness;
  beforeAll(async () => {
    tools = useStandInClusterTools(inject('kubeconfig'));
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: database().url,
      env: { CLUSTER_DRIVER: 'kind' },
    });
  });
  afterAll(async () => {
    await harness?.close();
    tools?.restore();
  });

  // A scenario with a waitUntil step: that activity is given its session (and so finds its cluster).
  it('runs a whole session on a cluster of its own and deletes the cluster at the end', async () => {
    const { app, kube } = harness;
    const { id, participantToken: token } = await createSession(app, { scenarioId: 'flights-missing-image-tag', systemId: 'travel-logic' });
    const name = clusterName(id);
    await waitForPhase(app, id, token, ['ready'], 120_000);
    expect(tools.calls()).toContainEqual(
      expect.stringMatching(new RegExp(`^kind create cluster --name ${name} --wait 180s --kubeconfig \\S+$`)),
    );
    expect(tools.calls()).toContain(`kind get kubeconfig --name ${name}`);

    // The participant's kubeconfig names the gateway and a gateway token, never the cluster's own credentials.
    const kubeconfig = await participantKubeconfig(app, id, token);
    const text = readFileSync(kubeconfig, 'utf8');
    expect(text).toContain(harness.gatewayUrl);
    expect(text).not.toContain(kube.server);
    expect((await kubectl(kubeconfig, ['get', 'deployments', '-o', 'name'])).out).toContain('deployment.apps/flights');

    await app.inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: { authorization: `Bearer ${token}` } });
    await waitForPhase(app, id, token, ['running'], 120_000);
    expect(
      (await kubectl(kubeconfig, ['get', 'deployment', 'flights', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).out,
    ).toContain('node-services:hotfix1');
    expect((await kubectl(kubeconfig, ['rollout', 'undo', 'deployment/flights'])).ok).toBe(true);
    const done = await waitForPhase(app, id, token, ['completed'], 120_000);
    expect(done.events.map((event) => event.summary)).toContain('SLA green and holding: repaired');

    // Teardown deleted the session's cluster (and, with it, everything in it).
    await expect
      .poll(() => tools.calls().some((call) => call.startsWith(`kind delete cluster --name ${name} --kubeconfig `)), { timeout: 30_000 })
      .toBe(true);
    await expect.poll(() => namespaceExists(kube, sandboxNamespace(id)), { timeout: 30_000 }).toBe(false);
  });

  it('the sweeper finds an orphaned cluster by its name and deletes it', async () => {
    const config = loadConfig({ CLUSTER_DRIVER: 'kind' });
    const driver = createClusterDriver('kind', undefined, { clusters: config.clusters, kubeconfig: inject('kubeconfig') });
    const orphan = randomUUID();
    expect(await driver.createSandbox(orphan)).toBe(sandboxNamespace(orphan));
    expect((await driver.listSandboxes()).map((sandbox) => sandbox.sessionId)).toContain(orphan);
    const young = await sweepSandboxes(harness.database.db, driver, 3600);
    expect(young.deleted).not.toContain(sandboxNamespace(orphan));
    const swept = await sweepSandboxes(harness.database.db, driver, 0);
    expect(swept.deleted).toContain(sandboxNamespace(orphan));
    expect(tools.calls()).toContainEqual(expect.stringMatching(new RegExp(`^kind delete cluster --name ${clusterName(orphan)} `)));
    expect((await driver.listSandboxes()).map((sandbox) => sandbox.sessionId)).not.toContain(orphan);
  });
});

describe('vcluster driver (stand-in vcluster CLI)', () => {
  let tools: StandInTools;
  beforeAll(() => {
    tools = useStandInClusterTools(inject('kubeconfig'));
  });
  afterAll(() => tools?.restore());

  it('creates a labelled host namespace and a vcluster in it, reaches it through --server, and deletes both', async () => {
    const host = connectKube(inject('kubeconfig'));
    // The stand-in answers `connect --print` with the --server it is given: point it at the sim cluster.
    const config = loadConfig({ CLUSTER_DRIVER: 'vcluster', FL_VCLUSTER_SERVER: host.server, FL_VCLUSTER_CHART_VERSION: '0.26.0' });
    const driver = createClusterDriver('vcluster', host, { clusters: config.clusters, kubeconfig: inject('kubeconfig') });
    const sessionId = randomUUID();
    const name = clusterName(sessionId);

    const namespace = await driver.createSandbox(sessionId);
    expect(await driver.createSandbox(sessionId)).toBe(namespace);
    expect(namespace).toBe(sandboxNamespace(sessionId));
    const hostNamespace = await host.core.readNamespace({ name });
    expect(hostNamespace.metadata?.labels?.[SESSION_LABEL]).toBe(sessionId);
    const creates = tools.calls().filter((call) => call.startsWith('vcluster create'));
    expect(creates).toEqual([
      `vcluster create ${name} --namespace ${name} --connect=false --create-namespace=false --chart-version 0.26.0 KUBECONFIG=${inject('kubeconfig')}`,
    ]);
    expect(tools.calls()).toContain(
      `vcluster connect ${name} --namespace ${name} --print --server ${host.server} --background-proxy=false KUBECONFIG=${inject('kubeconfig')}`,
    );

    await driver.grantParticipantAccess(sessionId, namespace);
    const credentials = await driver.sandboxCredentials(sessionId, namespace);
    const review = await (
      await driver.kubeFor(sessionId)
    ).config
      .makeApiClient(AuthenticationV1Api)
      .createTokenReview({ body: { spec: { token: credentials.token } } });
    expect(review.status?.user?.username).toBe(`system:serviceaccount:${namespace}:participant`);
    const listed = (await driver.listSandboxes()).find((sandbox) => sandbox.sessionId === sessionId);
    expect(listed?.namespace).toBe(namespace);
    expect(Date.now() - listed!.createdAt.getTime()).toBeLessThan(120_000);

    await expect.poll(() => driver.deleteSandbox(sessionId), { timeout: 60_000, interval: 500 }).toBe(true);
    expect(tools.calls()).toContainEqual(
      expect.stringMatching(new RegExp(`^vcluster delete ${name} --namespace ${name} --ignore-not-found --wait `)),
    );
    expect(await namespaceExists(host, name)).toBe(false);
    expect((await driver.listSandboxes()).map((sandbox) => sandbox.sessionId)).not.toContain(sessionId);
  });
});
