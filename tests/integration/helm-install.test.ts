// `helm install` of infra/helm/failurelib onto the sim cluster's API server: every object of the chart is created
// and its Deployments turn available (kwok reports their pods Ready; no container runs on kwok nodes). The
// service accounts the chart makes are then used for real: a worker process with the worker's token and an API
// with the API's token (CLUSTER_DRIVER=namespace, as the chart sets) play a whole session, so the chart's
// least-privilege RBAC is shown to be enough, and refuses what it should. `helm uninstall` leaves nothing.
//
// Installed with --no-hooks: the migration Job is a pre-install hook, and a pod on a kwok node never runs to
// completion, so Helm would wait for it forever; the test database is migrated by the global setup instead, and
// the Job itself is checked by tests/unit/helm-chart.test.ts. The image is not run here: tests/integration/
// helm-install-real-node.test.ts installs the chart on the real node, where the pods, hooks included, really run.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectKube } from '../../cluster/kube.ts';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { renderKubeconfig } from '../../cluster/kubeconfig.ts';
import { startProcess, waitUntil, type ManagedProcess } from '../../infra/lib/processes.ts';
import { requireTool, ROOT } from '../../infra/lib/tools.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, kubectl, namespaceExists, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

const run = promisify(execFile);
const CHART = join(ROOT, 'infra/helm/failurelib');

describe('helm install on the sim cluster', () => {
  const admin = inject('kubeconfig');
  const kube = connectKube(admin);
  const release = `fl${randomBytes(3).toString('hex')}`;
  const namespace = `${release}-system`;
  const dir = mkdtempSync(join(tmpdir(), 'fl-helm-'));
  const database = inject('databases').find((entry) => entry.name === 'postgres')!;
  const helm = (args: string[]) => run(requireTool('helm'), ['--kubeconfig', admin, ...args], { timeout: 180_000 });
  const admin$ = (args: string[]) => kubectl(admin, args);
  let worker: ManagedProcess | undefined;
  let harness: Harness | undefined;

  beforeAll(async () => {
    expect((await admin$(['create', 'namespace', namespace])).ok).toBe(true);
    const url = await admin$(['-n', namespace, 'create', 'secret', 'generic', 'failurelib-database', `--from-literal=url=${database.url}`]);
    expect(url.out).toContain('created');
    // The gateway's certificate, as an operator would provide it (any PEM pair will do for the API server).
    const openssl = 'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=kube.booth.example'.split(' ');
    await run('openssl', [...openssl, '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')]);
    const tls = await admin$([
      '-n',
      namespace,
      'create',
      'secret',
      'tls',
      'failurelib-gateway-tls',
      `--cert=${join(dir, 'tls.crt')}`,
      `--key=${join(dir, 'tls.key')}`,
    ]);
    expect(tls.out).toContain('created');
  });

  afterAll(async () => {
    await worker?.stop();
    await harness?.close();
    await helm(['uninstall', release, '-n', namespace, '--wait']).catch(() => undefined);
    await admin$(['delete', 'namespace', namespace, '--wait=false']);
  });

  const instanceObjects = async (kinds: string) =>
    (await admin$(['get', kinds, '-A', '-l', `app.kubernetes.io/instance=${release}`, '-o', 'name'])).out
      .split('\n')
      .filter(Boolean)
      .sort();

  it('creates every object of the chart, and the Deployments become available', async () => {
    // NodePort for the gateway: the sim cluster has no load balancer, and --wait would wait for its address.
    const flags = '--no-hooks --wait --timeout 150s --set gateway.service.type=NodePort --set ingress.className=nginx';
    const installed = await helm(['install', release, CHART, '-n', namespace, ...flags.split(' ')]);
    expect(installed.stdout).toContain('STATUS: deployed');
    const name = `${release}-failurelib`;
    expect(await instanceObjects('deployments,services,serviceaccounts,secrets,poddisruptionbudgets,ingresses')).toEqual(
      [
        `deployment.apps/${name}-api`,
        `deployment.apps/${name}-web`,
        `deployment.apps/${name}-worker`,
        `ingress.networking.k8s.io/${name}`,
        `poddisruptionbudget.policy/${name}-api`,
        `poddisruptionbudget.policy/${name}-web`,
        `poddisruptionbudget.policy/${name}-worker`,
        `secret/${name}-secrets`,
        `service/${name}-api`,
        `service/${name}-gateway`,
        `service/${name}-web`,
        `service/${name}-worker-metrics`,
        `serviceaccount/${name}-api`,
        `serviceaccount/${name}-worker`,
      ].sort(),
    );
    expect(await instanceObjects('clusterroles,clusterrolebindings')).toEqual(
      [
        `clusterrole.rbac.authorization.k8s.io/${name}-engine`,
        `clusterrole.rbac.authorization.k8s.io/${name}-gateway`,
        `clusterrolebinding.rbac.authorization.k8s.io/${name}-engine`,
        `clusterrolebinding.rbac.authorization.k8s.io/${name}-gateway`,
      ].sort(),
    );
    const available = await admin$([
      '-n',
      namespace,
      'get',
      'deployments',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.status.availableReplicas} {end}',
    ]);
    expect(available.out.trim().split(' ').sort()).toEqual([`${name}-api=2`, `${name}-web=2`, `${name}-worker=2`]);
    // An upgrade keeps the generated operator token and codename secret.
    const secretOf = async () => (await admin$(['-n', namespace, 'get', 'secret', `${name}-secrets`, '-o', 'jsonpath={.data}'])).out;
    const before = await secretOf();
    await helm(['upgrade', release, CHART, '-n', namespace, '--no-hooks', '--reuse-values', '--set', 'worker.replicas=3']);
    expect(await secretOf()).toBe(before);
  }, 240_000);

  it("plays a session with the chart's service accounts: their rights are enough, and no more", async () => {
    const name = `${release}-failurelib`;
    const server = kube.server;
    const kubeconfigOf = async (account: string) => {
      const token = (await admin$(['-n', namespace, 'create', 'token', `${name}-${account}`, '--duration=1h'])).out.trim();
      const path = join(dir, `${account}.kubeconfig`);
      writeFileSync(path, renderKubeconfig({ server, caData: kube.caData, token, user: account }), { mode: 0o600 });
      return path;
    };
    const [workerKubeconfig, apiKubeconfig] = [await kubeconfigOf('worker'), await kubeconfigOf('api')];

    // What the roles refuse.
    expect((await kubectl(workerKubeconfig, ['get', 'secrets', '-A'])).out).toMatch(/forbidden/);
    expect(
      (await kubectl(workerKubeconfig, ['create', 'clusterrolebinding', `${release}-x`, '--clusterrole=cluster-admin', '--user=me'])).out,
    ).toMatch(/forbidden/);
    expect((await kubectl(apiKubeconfig, ['-n', 'default', 'get', 'pods'])).out).toMatch(/forbidden/);

    const taskQueue = `helm-${release}`;
    const env = { CLUSTER_DRIVER: 'namespace', FL_HOLD_SECONDS: '2', FL_SLA_POLL_SECONDS: '1' };
    worker = startProcess('helm-worker', process.execPath, ['worker/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        DATABASE_URL: database.url,
        FL_KUBECONFIG: workerKubeconfig,
      },
      logFile: join(inject('servicesDir'), 'helm-worker.log'),
    });
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: apiKubeconfig,
      databaseUrl: database.url,
      externalWorkerTaskQueue: taskQueue,
      env,
    });
    const { app } = harness;
    const { id, participantToken: token } = await createSession(app);
    await waitForPhase(app, id, token, ['ready'], 120_000);
    const participant = await participantKubeconfig(app, id, token);
    expect(
      (await app.inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(200);
    await waitForPhase(app, id, token, ['running'], 120_000);
    expect((await kubectl(participant, ['scale', 'deployment/storefront', '--replicas=2'])).ok).toBe(true);
    await waitForPhase(app, id, token, ['completed'], 120_000);
    await waitUntil('the sandbox deleted', async () => !(await namespaceExists(kube, sandboxNamespace(id))), { timeoutMs: 60_000 });
  }, 300_000);

  it('helm uninstall leaves nothing of the release', async () => {
    await worker?.stop();
    worker = undefined;
    await harness?.close();
    harness = undefined;
    await helm(['uninstall', release, '-n', namespace, '--wait', '--timeout', '120s']);
    await waitUntil(
      'every object of the release deleted',
      async () =>
        (await instanceObjects('all,serviceaccounts,secrets,configmaps,poddisruptionbudgets,ingresses,clusterroles,clusterrolebindings'))
          .length === 0,
      { timeoutMs: 60_000 },
    );
    // Only what the operator made before the install is left in the namespace.
    const secrets = await admin$(['-n', namespace, 'get', 'secrets', '-o', 'name']);
    expect(secrets.out.split('\n').filter(Boolean).sort()).toEqual(['secret/failurelib-database', 'secret/failurelib-gateway-tls']);
  }, 180_000);
});
