// The recording kube gateway on real services: the participant's real kubectl, through the gateway, against
// the sim cluster. Every command works and is recorded with its verb, resource and diff; everything outside
// the sandbox (other namespaces, RBAC, fault objects, ended sessions, forged tokens) is refused and has no effect.
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { FAULT_LABEL, sandboxNamespace } from '../../cluster/labels.ts';
import { ignoreNotFound } from '../../cluster/kube.ts';
import { kubeRequests, sessionEvents, type KubeRequestRow } from '../../db/schema.ts';
import { requireTool } from '../../infra/lib/tools.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

const run = promisify(execFile);
const database = inject('databases').find((db) => db.name === 'pglite') ?? inject('databases')[0];
const SECRET_VALUE = 'hunter2-do-not-record-me';

async function kubectl(kubeconfig: string, args: string[], env: Record<string, string> = {}): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout } = await run(requireTool('kubectl'), ['--kubeconfig', kubeconfig, ...args], {
      timeout: 30_000,
      env: { ...process.env, ...env },
    });
    return { ok: true, out: stdout };
  } catch (error) {
    return { ok: false, out: String((error as { stderr?: string }).stderr ?? error) };
  }
}

/**
 * Starts `kubectl … -w --output-watch-events`, makes a change once the initial list is printed, and resolves with
 * everything printed up to the MODIFIED line that change produces, then stops kubectl. The initial list comes
 * from a plain list request: only the MODIFIED line proves an event came over the watch itself.
 */
/** Watches with kubectl until a MODIFIED event of `name` arrives (other objects' changes, such as a rollout still
 * settling from an earlier test, may come first). */
function watchUntilModified(kubeconfig: string, args: string[], name: string, change: () => Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(requireTool('kubectl'), ['--kubeconfig', kubeconfig, ...args, '--output-watch-events'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let changed = false;
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`no MODIFIED event of ${name} within 20 s: ${out} ${err}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!changed && out.split('\n').length > 2) {
        changed = true;
        change().catch(fail);
      }
      if (new RegExp(`^MODIFIED +${name} .*\\n`, 'm').test(out)) {
        clearTimeout(timer);
        child.kill();
        resolve(out);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => {
      if (code !== null && code !== 0) fail(new Error(`kubectl exited ${code}: ${err}`));
    });
  });
}

/** Annotates the deployment (a change every watcher sees); throws with kubectl's output when that fails. */
async function annotated(kubeconfig: string, deployment: string): Promise<void> {
  const result = await kubectl(kubeconfig, ['annotate', 'deployment', deployment, `watched-at=${Date.now()}`, '--overwrite']);
  if (!result.ok) throw new Error(`kubectl annotate failed: ${result.out}`);
}

function withToken(kubeconfig: string, token: string): string {
  const text = readFileSync(kubeconfig, 'utf8').replace(/token: .*/, `token: ${token}`);
  const path = join(tmpdir(), `fl-forged-${Math.random().toString(36).slice(2)}.kubeconfig`);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

function tokenOf(kubeconfig: string): string {
  return /token: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1] ?? '';
}

describe(`kube gateway on ${database?.name}`, () => {
  let harness: Harness;
  const logLines: string[] = [];
  let learn: { id: string; token: string; namespace: string; kubeconfig: string };
  let challenge: { id: string; token: string; namespace: string; kubeconfig: string };

  async function requestsOf(sessionId: string): Promise<KubeRequestRow[]> {
    // Recording happens after the response: give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return harness.database.db.select().from(kubeRequests).where(eq(kubeRequests.sessionId, sessionId)).orderBy(asc(kubeRequests.id));
  }

  async function readySession(mode: 'learn' | 'challenge') {
    const body = mode === 'learn' ? {} : { mode, scenarioId: harness.challengeId('storefront-scaled-to-zero') };
    const { id, participantToken: token } = await createSession(harness.app, body);
    await waitForPhase(harness.app, id, token, ['ready']);
    return { id, token, namespace: sandboxNamespace(id), kubeconfig: await participantKubeconfig(harness.app, id, token) };
  }

  beforeAll(async () => {
    const gatewayLog = new PassThrough();
    gatewayLog.on('data', (chunk: Buffer) => logLines.push(chunk.toString()));
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: database?.url ?? '',
      gatewayLog,
    });
    [learn, challenge] = await Promise.all([readySession('learn'), readySession('challenge')]);
  });
  afterAll(async () => harness?.close());

  it('hands out a kubeconfig for the gateway, not for the sandbox API server', () => {
    const text = readFileSync(learn.kubeconfig, 'utf8');
    expect(text).toContain(`server: ${harness.gatewayUrl}`);
    expect(text).not.toContain(harness.kube.server);
    expect(text).toContain(`namespace: ${learn.namespace}`);
    expect(tokenOf(learn.kubeconfig)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('get, describe, patch, scale, edit, rollout undo, apply and delete work and are recorded', async () => {
    const { kubeconfig, namespace, id } = learn;
    const get = await kubectl(kubeconfig, ['get', 'deployments']);
    expect(get.ok, get.out).toBe(true);
    expect(get.out).toContain('storefront');
    expect((await kubectl(kubeconfig, ['describe', 'deployment', 'catalog'])).out).toContain('Name:');
    const patch = await kubectl(kubeconfig, ['patch', 'deployment', 'catalog', '-p', '{"metadata":{"annotations":{"team":"checkout"}}}']);
    expect(patch.ok, patch.out).toBe(true);
    const scale = await kubectl(kubeconfig, ['scale', 'deployment/cart', '--replicas=3']);
    expect(scale.ok, scale.out).toBe(true);
    const edit = await kubectl(kubeconfig, ['edit', 'deployment/storefront'], {
      KUBE_EDITOR: 'sed -i s#node-services:local#node-services:edited#',
    });
    expect(edit.ok, edit.out).toBe(true);
    const image = await harness.kube.apps.readNamespacedDeployment({ name: 'storefront', namespace });
    expect(image.spec?.template.spec?.containers[0]?.image).toMatch(/node-services:edited$/);
    // The controller-manager records revision 2 shortly after the edit; undo needs it.
    await expect
      .poll(
        async () =>
          (await harness.kube.apps.listNamespacedReplicaSet({ namespace, labelSelector: 'app.kubernetes.io/name=storefront' })).items
            .length,
        { timeout: 15_000 },
      )
      .toBe(2);
    const undo = await kubectl(kubeconfig, ['rollout', 'undo', 'deployment/storefront']);
    expect(undo.ok, undo.out).toBe(true);
    const manifest = join(tmpdir(), `fl-apply-${id}.yaml`);
    writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: feature-flags\ndata:\n  checkout: "on"\n');
    const apply = await kubectl(kubeconfig, ['apply', '-f', manifest]);
    expect(apply.ok, apply.out).toBe(true);
    const remove = await kubectl(kubeconfig, ['delete', 'configmap', 'feature-flags']);
    expect(remove.ok, remove.out).toBe(true);

    const rows = await requestsOf(id);
    const find = (verb: string, resource: string, name?: string, command?: string) =>
      rows.find(
        (row) =>
          row.verb === verb &&
          row.resource === resource &&
          (name === undefined || row.name === name) &&
          (command === undefined || row.command === command),
      );
    expect(find('list', 'deployments', undefined, 'kubectl get')).toMatchObject({ status: 200, namespace });
    expect(find('get', 'deployments', 'catalog', 'kubectl describe')).toBeDefined();
    expect(find('patch', 'deployments', 'catalog', 'kubectl patch')?.change).toMatchObject({
      diff: [{ path: 'metadata.annotations.team', after: 'checkout' }],
    });
    const scaled = find('patch', 'deployments', 'cart', 'kubectl scale');
    expect(scaled).toMatchObject({ subresource: 'scale', status: 200 });
    expect(scaled?.change).toMatchObject({ diff: [{ path: 'spec.replicas', before: 1, after: 3 }] });
    const edited = find('patch', 'deployments', 'storefront', 'kubectl edit');
    expect(edited?.change).toMatchObject({
      diff: [
        {
          path: 'spec.template.spec.containers[0].image',
          before: expect.stringMatching(/node-services:local$/),
          after: expect.stringMatching(/node-services:edited$/),
        },
      ],
    });
    expect(find('patch', 'deployments', 'storefront', 'kubectl rollout undo')?.change).toMatchObject({
      diff: expect.arrayContaining([
        expect.objectContaining({ path: 'spec.template.spec.containers[0].image', after: expect.stringMatching(/node-services:local$/) }),
      ]),
    });
    expect(find('create', 'configmaps', undefined, 'kubectl apply')).toMatchObject({ status: 201 });
    expect(find('delete', 'configmaps', 'feature-flags', 'kubectl delete')).toMatchObject({ status: 200 });
    expect(rows.every((row) => row.clientSession)).toBe(true);

    const events = await harness.database.db
      .select()
      .from(sessionEvents)
      .where(and(eq(sessionEvents.sessionId, id), eq(sessionEvents.kind, 'kube')))
      .orderBy(asc(sessionEvents.id));
    const summaries = events.map((event) => event.summary);
    expect(summaries).toContain('kubectl scale deployment/cart (spec.replicas 1→3)');
    expect(summaries).toContainEqual(
      expect.stringMatching(
        /^kubectl edit deployment\/storefront \(spec\.template\.spec\.containers\[0\]\.image .*node-services:local→.*node-services:edited\)$/,
      ),
    );
    expect(summaries).toContain('kubectl delete configmap feature-flags');
    expect(events.find((event) => event.summary.startsWith('kubectl scale'))?.detail).toMatchObject({
      verb: 'patch',
      resource: 'deployments',
      name: 'cart',
    });
    // The session's own event list (live stream and replay) carries the steps.
    const session = await harness.app.inject({
      method: 'GET',
      url: `/api/sessions/${id}`,
      headers: { authorization: `Bearer ${learn.token}` },
    });
    expect(session.json().events.map((event: { summary: string }) => event.summary)).toContain(
      'kubectl scale deployment/cart (spec.replicas 1→3)',
    );
  });

  it('streams watches: the first event of kubectl get -w arrives and the watch is recorded', async () => {
    const touch = () => annotated(learn.kubeconfig, 'catalog');
    const printed = await watchUntilModified(learn.kubeconfig, ['get', 'deployments', '-w'], 'catalog', touch);
    expect(printed).toMatch(/^MODIFIED +catalog /m);
    // A watch is recorded when it ends (kubectl was stopped after the event): give that write a moment.
    await vi.waitFor(
      async () => {
        const rows = await requestsOf(learn.id);
        expect(rows.find((row) => row.verb === 'watch' && row.resource === 'deployments')).toBeDefined();
      },
      { timeout: 5000, interval: 100 },
    );
  });

  it('forwards exec and logs faithfully (kwok pods have no kubelet) and records them', async () => {
    const pods = await harness.kube.core.listNamespacedPod({ namespace: learn.namespace });
    const pod = pods.items[0]?.metadata?.name ?? '';
    expect(pod).not.toBe('');
    // The sim cluster's fake nodes cannot run a shell or return logs: the upstream error comes back as is.
    const exec = await kubectl(learn.kubeconfig, ['exec', pod, '--', 'true']);
    const logs = await kubectl(learn.kubeconfig, ['logs', pod]);
    expect(exec.out).not.toMatch(/Unauthorized|forbidden/i);
    expect(logs.out).not.toMatch(/Unauthorized|forbidden/i);
    const outside = await kubectl(learn.kubeconfig, ['exec', '-n', challenge.namespace, pod, '--', 'true']);
    expect(outside.ok).toBe(false);
    const rows = await requestsOf(learn.id);
    expect(
      rows.find((row) => row.verb === 'connect' && row.subresource === 'exec' && row.name === pod && row.namespace === learn.namespace),
    ).toMatchObject({ command: 'kubectl exec' });
    expect(rows.find((row) => row.verb === 'get' && row.subresource === 'log' && row.name === pod)).toBeDefined();
    expect(rows.find((row) => row.verb === 'get' && row.namespace === challenge.namespace)).toMatchObject({ status: 403 });
    // The upgrade itself is checked too: a WebSocket exec straight into another sandbox is refused.
    const refused = await new Promise<number>((resolve, reject) => {
      const outgoing = httpsRequest(
        `${harness.gatewayUrl}/api/v1/namespaces/${challenge.namespace}/pods/${pod}/exec?command=true&stdout=true`,
        {
          ca: harness.gateway.caPem,
          headers: {
            authorization: `Bearer ${tokenOf(learn.kubeconfig)}`,
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
            'sec-websocket-protocol': 'v5.channel.k8s.io',
          },
        },
      );
      outgoing.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      outgoing.on('upgrade', (_response, socket) => {
        socket.destroy();
        resolve(101);
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(refused).toBe(403);
    expect((await requestsOf(learn.id)).find((row) => row.verb === 'connect' && row.namespace === challenge.namespace)).toMatchObject({
      status: 403,
    });
  });

  it('never records or logs Secret values', async () => {
    const manifest = join(tmpdir(), `fl-secret-${learn.id}.yaml`);
    writeFileSync(manifest, `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-password\nstringData:\n  password: ${SECRET_VALUE}\n`);
    expect((await kubectl(learn.kubeconfig, ['apply', '-f', manifest])).ok).toBe(true);
    const patched = await kubectl(learn.kubeconfig, [
      'patch',
      'secret',
      'db-password',
      '-p',
      JSON.stringify({ stringData: { password: `${SECRET_VALUE}-2` } }),
    ]);
    expect(patched.ok, patched.out).toBe(true);
    expect((await kubectl(learn.kubeconfig, ['get', 'secret', 'db-password', '-o', 'yaml'])).ok).toBe(true);
    const rows = await requestsOf(learn.id);
    expect(rows.filter((row) => row.resource === 'secrets').map((row) => row.verb)).toEqual(
      expect.arrayContaining(['create', 'patch', 'get']),
    );
    const encoded = Buffer.from(SECRET_VALUE).toString('base64').slice(0, 16);
    const stored =
      JSON.stringify(rows) +
      JSON.stringify(await harness.database.db.select().from(sessionEvents).where(eq(sessionEvents.sessionId, learn.id)));
    expect(stored).not.toContain(SECRET_VALUE);
    expect(stored).not.toContain(encoded);
    expect(stored).toContain('(redacted)');
    const logs = logLines.join('');
    expect(logs).not.toContain(SECRET_VALUE);
    expect(logs).not.toContain(tokenOf(learn.kubeconfig));
  });

  it("refuses another session's namespace, and the other sandbox is untouched", async () => {
    const read = await kubectl(learn.kubeconfig, ['get', 'pods', '-n', challenge.namespace]);
    expect(read.ok).toBe(false);
    expect(read.out).toMatch(/Forbidden/);
    const write = await kubectl(learn.kubeconfig, ['delete', 'deployment', 'storefront', '-n', challenge.namespace]);
    expect(write.ok).toBe(false);
    expect(
      await ignoreNotFound(harness.kube.apps.readNamespacedDeployment({ name: 'storefront', namespace: challenge.namespace })),
    ).toBeDefined();
    const system = await kubectl(learn.kubeconfig, ['get', 'pods', '-n', 'kube-system']);
    expect(system.out).toMatch(/forbidden/i);
    const rows = await requestsOf(learn.id);
    expect(rows.find((row) => row.verb === 'delete' && row.namespace === challenge.namespace)).toMatchObject({ status: 403 });
  });

  it('refuses minting tokens that would reach the API server without the gateway', async () => {
    const minted = await kubectl(learn.kubeconfig, ['create', 'token', 'participant']);
    expect(minted.ok).toBe(false);
    expect(minted.out).toMatch(/forbidden/i);
    const manifest = join(tmpdir(), `fl-token-secret-${learn.id}.yaml`);
    writeFileSync(
      manifest,
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: participant-token\n  annotations:\n    kubernetes.io/service-account.name: participant\ntype: kubernetes.io/service-account-token\n',
    );
    const secret = await kubectl(learn.kubeconfig, ['apply', '-f', manifest]);
    expect(secret.ok).toBe(false);
    expect(secret.out).toMatch(/forbidden/i);
    expect(
      await ignoreNotFound(harness.kube.core.readNamespacedSecret({ name: 'participant-token', namespace: learn.namespace })),
    ).toBeUndefined();
  });

  it('refuses RBAC changes: no ClusterRoleBinding, no RoleBinding', async () => {
    const clusterWide = await kubectl(learn.kubeconfig, [
      'create',
      'clusterrolebinding',
      'take-over',
      '--clusterrole=cluster-admin',
      `--serviceaccount=${learn.namespace}:participant`,
    ]);
    expect(clusterWide.ok).toBe(false);
    expect(clusterWide.out).toMatch(/forbidden/i);
    expect(await ignoreNotFound(harness.kube.rbac.readClusterRoleBinding({ name: 'take-over' }))).toBeUndefined();
    const local = await kubectl(learn.kubeconfig, [
      'create',
      'rolebinding',
      'more-power',
      '--clusterrole=admin',
      `--serviceaccount=${learn.namespace}:participant`,
    ]);
    expect(local.ok).toBe(false);
    expect(local.out).toMatch(/forbidden/i);
    expect(
      await ignoreNotFound(harness.kube.rbac.readNamespacedRoleBinding({ name: 'more-power', namespace: learn.namespace })),
    ).toBeUndefined();
  });

  it("in Challenge mode hides fault objects and the engine's labels; Learn mode shows the labels", async () => {
    await harness.kube.core.createNamespacedConfigMap({
      namespace: challenge.namespace,
      body: { metadata: { name: 'fault-settings', labels: { [FAULT_LABEL]: 'scale-to-zero' } }, data: { fault: 'scale-to-zero' } },
    });
    const chaos = await kubectl(challenge.kubeconfig, [
      'get',
      '--raw',
      `/apis/chaos-mesh.org/v1alpha1/namespaces/${challenge.namespace}/podchaos`,
    ]);
    expect(chaos.ok).toBe(false);
    expect(chaos.out).toMatch(/Forbidden|NotFound/);
    const single = await kubectl(challenge.kubeconfig, ['get', 'configmap', 'fault-settings']);
    expect(single.ok).toBe(false);
    expect(single.out).toMatch(/NotFound|not found/);
    const listed = await kubectl(challenge.kubeconfig, ['get', 'configmaps', '-o', 'name']);
    expect(listed.ok, listed.out).toBe(true);
    expect(listed.out).not.toContain('fault-settings');
    const deleted = await kubectl(challenge.kubeconfig, ['delete', 'configmap', 'fault-settings']);
    expect(deleted.ok).toBe(false);
    expect(
      await ignoreNotFound(harness.kube.core.readNamespacedConfigMap({ name: 'fault-settings', namespace: challenge.namespace })),
    ).toBeDefined();
    for (const args of [
      ['get', 'deployments', '--show-labels'],
      ['get', 'deployment', 'storefront', '-o', 'json'],
      ['get', 'namespace', challenge.namespace, '-o', 'yaml'],
    ]) {
      const shown = await kubectl(challenge.kubeconfig, args);
      expect(shown.ok, shown.out).toBe(true);
      expect(shown.out).not.toContain('failurelib.dev/');
    }
    const touch = () => annotated(challenge.kubeconfig, 'storefront');
    const watched = await watchUntilModified(challenge.kubeconfig, ['get', 'deployments', '-w', '--show-labels'], 'storefront', touch);
    expect(watched).toMatch(/^MODIFIED +storefront /m);
    expect(watched).not.toContain('failurelib.dev/');
    const learnLabels = await kubectl(learn.kubeconfig, ['get', 'deployment', 'storefront', '--show-labels']);
    expect(learnLabels.out).toContain('failurelib.dev/session');
  });

  it('refuses forged and truncated tokens, with no effect', async () => {
    const forged = withToken(learn.kubeconfig, 'A'.repeat(43));
    const truncated = withToken(learn.kubeconfig, tokenOf(learn.kubeconfig).slice(0, -1));
    for (const kubeconfig of [forged, truncated]) {
      const result = await kubectl(kubeconfig, ['delete', 'deployment', 'catalog']);
      expect(result.ok).toBe(false);
      expect(result.out).toMatch(/Unauthorized|must be logged in/);
    }
    expect(await ignoreNotFound(harness.kube.apps.readNamespacedDeployment({ name: 'catalog', namespace: learn.namespace }))).toBeDefined();
  });

  it('refuses a token once its session has ended', async () => {
    const abandon = await harness.app.inject({
      method: 'POST',
      url: `/api/sessions/${challenge.id}/abandon`,
      headers: { authorization: `Bearer ${challenge.token}` },
    });
    expect(abandon.statusCode).toBe(202);
    await waitForPhase(harness.app, challenge.id, challenge.token, ['abandoned']);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const after = await kubectl(challenge.kubeconfig, ['get', 'pods']);
    expect(after.ok).toBe(false);
    expect(after.out).toMatch(/Unauthorized|must be logged in/);
  });
});
