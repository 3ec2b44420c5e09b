// `helm install` of infra/helm/failurelib onto the project's own cluster with its real node: the Failure Library
// image is built here (infra/images/build.sh failurelib: seconds from the machine's cache when its sources did
// not change) and imported into the node's containerd with the other images; the chart's migration Job really
// runs (a pre-install hook, against a database of its own) and the website, API with its kube gateway, and worker
// really run in pods. A whole session is then played through the installed API, the participant's kubectl going
// through the installed gateway; `helm uninstall` leaves nothing of the release, in the cluster or on the node.
//
// The pods run with the chart's `hostNetwork` value, each part listening on the node's address only. Temporal,
// PostgreSQL and the sim apiserver are loopback services of this machine, and the node's guard
// (infra/real-node/host-network.ts) lets pods on its bridge reach nothing of the machine but DNS: an exception
// for their ports would open them to every participant's sandbox pod on the same bridge too. On the node's own
// network the release reaches them as the node's addons (CoreDNS, metrics-server) do, and the guard stays as it
// is. The sim apiserver publishes no endpoints for the `kubernetes` Service, so the pods' in-cluster client is
// pointed at it by KUBERNETES_SERVICE_HOST/PORT (extraEnv). Sandboxes themselves go to the kwok nodes.
// Needs root and infra/real-node/setup.sh; run under `flock /tmp/fl-real-node.lock` like the other real-node tests.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectKube } from '../../cluster/kube.ts';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { loadOrCreateGatewayTls } from '../../gateway/tls.ts';
import { freePort } from '../../infra/lib/ports.ts';
import { waitUntil } from '../../infra/lib/processes.ts';
import { requireTool, ROOT, TOOLS_DIR } from '../../infra/lib/tools.ts';
import { REAL_NODE_NETWORK } from '../../infra/real-node/config.ts';
import type { RealNode } from '../../infra/real-node/node.ts';
import { sandboxLeftovers, startTestRealNode } from '../support/real-node.ts';
import { placementMetadata } from '../../cluster/placement.ts';
import { createSession, httpApi, kubectl, namespaceExists, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

const run = promisify(execFile);
const CHART = join(ROOT, 'infra/helm/failurelib');
const IMAGE_ARCHIVE = join(TOOLS_DIR, 'images', 'failurelib.tar');
/** The image's archive stays under this (139 MB when measured). */
const IMAGE_MAX_BYTES = 180 * 1024 * 1024;

/** The OCI image config (its `config.User`, ...) of the single image in an oci-archive. */
async function imageConfig(archive: string): Promise<{ config: { User?: string; Cmd?: string[]; ExposedPorts?: object } }> {
  const blob = async (name: string) => JSON.parse((await run('tar', ['-xOf', archive, name], { maxBuffer: 1 << 24 })).stdout);
  const at = (digest: string) => `blobs/sha256/${digest.replace(/^sha256:/, '')}`;
  let manifest = await blob('index.json');
  while (manifest.manifests) manifest = await blob(at(manifest.manifests[0].digest));
  return blob(at(manifest.config.digest));
}

describe('the failurelib image, built as CI builds it', () => {
  it('builds (from the machine cache when unchanged), stays small, runs as a non-root user, and exposes its health ports', async () => {
    await run('bash', [join(ROOT, 'infra/images/build.sh'), 'failurelib'], { timeout: 900_000 });
    expect(statSync(IMAGE_ARCHIVE).size).toBeLessThan(IMAGE_MAX_BYTES);
    const { config } = await imageConfig(IMAGE_ARCHIVE);
    expect(config.User).toBe('10001:10001');
    expect(config.Cmd).toEqual(['node', 'api/main.ts']);
    // 3000 API (/api/health), 6443 gateway, 5173 website (/healthz), 9465 worker (/healthz).
    expect(Object.keys(config.ExposedPorts ?? {}).sort()).toEqual(['3000/tcp', '5173/tcp', '6443/tcp', '9465/tcp']);
  }, 960_000);
});

// The worker runs prebuilt bundles (npm run build: the sessions' and the publications' workflows): webpack at its start
// in a pod had failed ("Webpack finished with errors") and crash-looped it.
describe('helm install on the real node', () => {
  const admin = inject('kubeconfig');
  const kube = connectKube(admin);
  const release = `fl${randomBytes(3).toString('hex')}`;
  const namespace = `${release}-system`;
  const name = `${release}-failurelib`;
  const dir = mkdtempSync(join(tmpdir(), 'fl-helm-real-'));
  const adminDatabase = inject('databases').find((entry) => entry.name === 'postgres')!.url;
  const databaseName = `${release}_booth`;
  const helm = (args: string[]) => run(requireTool('helm'), ['--kubeconfig', admin, ...args], { timeout: 600_000 });
  const admin$ = (args: string[]) => kubectl(admin, args);
  const { nodeIp } = REAL_NODE_NETWORK;
  const ports = { api: 0, gateway: 0, web: 0, worker: 0 };
  const api = () => httpApi(`http://${nodeIp}:${ports.api}`);
  let node: RealNode | undefined;
  const podUids: string[] = [];

  beforeAll(async () => {
    // The image as CI builds it (from the machine's cache when unchanged), before the node imports the archives.
    await run('bash', [join(ROOT, 'infra/images/build.sh'), 'failurelib'], { timeout: 900_000 });
    node = await startTestRealNode(admin);
    for (const part of Object.keys(ports) as (keyof typeof ports)[]) ports[part] = await freePort();

    const sql = postgres(adminDatabase, { max: 1, onnotice: () => {} });
    await sql.unsafe(`CREATE DATABASE ${databaseName}`);
    await sql.end();
    const url = new URL(adminDatabase);
    url.pathname = `/${databaseName}`;

    // The release's namespace sends its pods to the real node (no Pod Security label: hostNetwork is the point).
    expect((await admin$(['create', 'namespace', namespace])).ok).toBe(true);
    const annotations = Object.entries(placementMetadata('real').annotations).map(([key, value]) => `${key}=${value}`);
    expect((await admin$(['annotate', 'namespace', namespace, ...annotations])).ok).toBe(true);
    expect((await admin$(['-n', namespace, 'create', 'secret', 'generic', 'failurelib-database', `--from-literal=url=${url}`])).ok).toBe(
      true,
    );
    // The gateway's certificate for the node's address, with its CA (participants' kubeconfigs carry it).
    await loadOrCreateGatewayTls(dir, [nodeIp]);
    const files = [`--from-file=tls.crt=${join(dir, 'server.crt')}`, `--from-file=tls.key=${join(dir, 'server.key')}`];
    const tls = await admin$([
      '-n',
      namespace,
      'create',
      'secret',
      'generic',
      'failurelib-gateway-tls',
      '--type=kubernetes.io/tls',
      ...files,
      `--from-file=ca.crt=${join(dir, 'ca.crt')}`,
    ]);
    expect(tls.ok, tls.out).toBe(true);
  }, 1_200_000);

  afterAll(async () => {
    await helm(['uninstall', release, '-n', namespace, '--wait']).catch(() => undefined);
    await admin$(['delete', 'namespace', namespace, '--wait=false']);
    await node?.stop();
    const sql = postgres(adminDatabase, { max: 1, onnotice: () => {} });
    await sql.unsafe(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`).catch(() => undefined);
    await sql.end();
  }, 240_000);

  it('the image is small, runs as a non-root user, and the install runs its migrations and every part Ready', async () => {
    expect(statSync(IMAGE_ARCHIVE).size).toBeLessThan(IMAGE_MAX_BYTES);
    const { config } = await imageConfig(IMAGE_ARCHIVE);
    expect(config.User).toBe('10001:10001');
    expect(config.Cmd).toEqual(['node', 'api/main.ts']);

    const apiServer = new URL(kube.server);
    const values = {
      hostNetwork: true,
      'api.port': ports.api,
      'gateway.port': ports.gateway,
      'web.port': ports.web,
      'worker.metricsPort': ports.worker,
      'web.replicas': 1,
      'api.replicas': 1,
      'worker.replicas': 1,
      publicUrl: `http://${nodeIp}:${ports.web}`,
      'gateway.publicUrl': `https://${nodeIp}:${ports.gateway}`,
      'gateway.service.type': 'ClusterIP',
      'ingress.enabled': false,
      'temporal.address': inject('temporalAddress'),
      'temporal.taskQueue': `helm-${release}`,
      'worker.slaPollSeconds': 1,
      'extraEnv.KUBERNETES_SERVICE_HOST': apiServer.hostname,
      'extraEnv.KUBERNETES_SERVICE_PORT': apiServer.port,
      'extraEnv.FL_HOLD_SECONDS': 2,
      // The node's 2 CPUs and its memory are shared with the machine's other work.
      'api.resources.requests.cpu': '50m',
      'worker.resources.requests.cpu': '50m',
      'web.resources.requests.cpu': '20m',
      'migrations.resources.requests.cpu': '20m',
    };
    const flags = Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
    const installed = await helm(['install', release, CHART, '-n', namespace, '--wait', '--timeout', '540s', ...flags]);
    expect(installed.stdout).toContain('STATUS: deployed');

    // The migration hook ran on the node, in the database of its own, and was deleted once it succeeded.
    const sql = postgres(`${adminDatabase.replace(/\/[^/]*$/, '')}/${databaseName}`, { max: 1, onnotice: () => {} });
    const migrated = await sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`;
    await sql.end();
    expect(migrated[0]!.n).toBeGreaterThan(0);
    expect((await admin$(['-n', namespace, 'get', 'jobs', '-o', 'name'])).out.trim()).toBe('');

    const pods = JSON.parse((await admin$(['-n', namespace, 'get', 'pods', '-o', 'json'])).out) as {
      items: { metadata: { uid: string; labels: Record<string, string> }; spec: { nodeName: string }; status: { phase: string } }[];
    };
    podUids.push(...pods.items.map((pod) => pod.metadata.uid));
    expect(
      pods.items.map((pod) => [pod.metadata.labels['app.kubernetes.io/component'], pod.spec.nodeName, pod.status.phase]).sort(),
    ).toEqual([
      ['api', 'failurelib-real-node', 'Running'],
      ['web', 'failurelib-real-node', 'Running'],
      ['worker', 'failurelib-real-node', 'Running'],
    ]);
    // Really running in containerd, as the image's user.
    const containers = JSON.parse(await node!.crictl(['ps', '-o', 'json'])).containers as { labels: Record<string, string> }[];
    expect(
      containers
        .filter((container) => container.labels['io.kubernetes.pod.namespace'] === namespace)
        .map((container) => container.labels['io.kubernetes.container.name'])
        .sort(),
    ).toEqual(['api', 'web', 'worker']);
    const uid = await admin$(['-n', namespace, 'exec', `deployment/${name}-api`, '--', 'node', '-p', 'process.getuid()']);
    expect(uid.out.trim()).toBe('10001');

    // The health endpoints the probes use, on the node's address.
    expect((await fetch(`http://${nodeIp}:${ports.api}/api/health`)).status).toBe(200);
    expect((await fetch(`http://${nodeIp}:${ports.worker}/healthz`)).status).toBe(200);
    expect((await fetch(`http://${nodeIp}:${ports.web}/healthz`)).status).toBe(200);
  }, 720_000);

  it('plays a whole session through the installed API and gateway, with a real kubectl', async () => {
    // The built website serves its first page.
    const page = await fetch(`http://${nodeIp}:${ports.web}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');

    const { id, participantToken: token } = await createSession(api());
    await waitForPhase(api(), id, token, ['ready'], 120_000);
    const participant = await participantKubeconfig(api(), id, token);
    expect(readFileSync(participant, 'utf8')).toContain(`https://${nodeIp}:${ports.gateway}`);
    const deployments = await kubectl(participant, ['get', 'deployments', '-o', 'name']);
    expect(deployments.out).toContain('deployment.apps/storefront');
    const start = await api().inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: { authorization: `Bearer ${token}` } });
    expect(start.statusCode).toBe(200);
    await waitForPhase(api(), id, token, ['running'], 120_000);
    expect((await kubectl(participant, ['scale', 'deployment/storefront', '--replicas=2'])).ok).toBe(true);
    await waitForPhase(api(), id, token, ['completed'], 180_000);
    await waitUntil('the sandbox deleted', async () => !(await namespaceExists(kube, sandboxNamespace(id))), { timeoutMs: 90_000 });
  }, 420_000);

  it('helm uninstall leaves nothing of the release, in the cluster or on the node', async () => {
    await helm(['uninstall', release, '-n', namespace, '--wait', '--timeout', '120s']);
    const instanceObjects = async () =>
      (
        await admin$([
          'get',
          'all,serviceaccounts,secrets,configmaps,poddisruptionbudgets,jobs,clusterroles,clusterrolebindings',
          '-A',
          '-l',
          `app.kubernetes.io/instance=${release}`,
          '-o',
          'name',
        ])
      ).out
        .split('\n')
        .filter(Boolean);
    await waitUntil('every object of the release deleted', async () => (await instanceObjects()).length === 0, { timeoutMs: 60_000 });
    const pods = async () => (await admin$(['-n', namespace, 'get', 'pods', '-o', 'name'])).out.trim();
    await waitUntil('every pod of the release gone', async () => (await pods()) === '', { timeoutMs: 90_000 });
    const secrets = await admin$(['-n', namespace, 'get', 'secrets', '-o', 'name']);
    expect(secrets.out.split('\n').filter(Boolean).sort()).toEqual(['secret/failurelib-database', 'secret/failurelib-gateway-tls']);
    // On the node: no pod sandbox, container, cgroup, volume or mount of the release's pods is left.
    await waitUntil(
      'the node let go of the release',
      async () =>
        Object.values(await sandboxLeftovers(node!, { namespaces: [namespace], podUids, podIps: [] })).every((list) => list.length === 0),
      { timeoutMs: 90_000 },
    ).catch(async (error: unknown) => {
      throw new Error(
        `${String(error)}: ${JSON.stringify(await sandboxLeftovers(node!, { namespaces: [namespace], podUids, podIps: [] }))}`,
      );
    });
    // Nothing listens on the release's ports any more.
    for (const port of Object.values(ports)) await expect(fetch(`http://${nodeIp}:${port}/`)).rejects.toThrow();
  }, 300_000);
});
