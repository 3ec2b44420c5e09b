// More than one of each, as the Helm chart runs them: two API processes (each with its kube gateway, serving one
// given certificate) and two worker processes against one Temporal dev server and a real PostgreSQL server.
// Sessions are created and played through both APIs, with a WebSocket client on each API for every session; one
// API and one worker are SIGKILLed while the sessions run. Every session still completes with its sandbox gone, a
// kubeconfig handed out by the killed API works on the other gateway, and every WebSocket client (those cut by
// the kill reconnect to the surviving API after their last event, as the website does) got every event of its
// session exactly once. The processes' resident memory is sampled for the README's sizing.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectKube } from '../../cluster/kube.ts';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { sessionEvents } from '../../db/schema.ts';
import { loadOrCreateGatewayTls } from '../../gateway/tls.ts';
import { freePort } from '../../infra/lib/ports.ts';
import { startProcess, waitUntil, type ManagedProcess } from '../../infra/lib/processes.ts';
import { ROOT } from '../../infra/lib/tools.ts';
import { kubectl, namespaceExists } from '../support/session-client.ts';
import { eq } from 'drizzle-orm';

const SESSIONS = Number(process.env.FL_REPLICAS_SESSIONS ?? 4);

interface Api {
  name: string;
  base: string;
  gateway: string;
  process: ManagedProcess;
}

interface Client {
  api: Api;
  seen: number[];
  socket?: WebSocket;
}

interface Played {
  id: string;
  token: string;
  api: Api;
  kubeconfig: string;
  clients: Client[];
}

/** The highest resident set size seen per process, from /proc (kB). */
function sampleRss(processes: ManagedProcess[], peaks: Map<string, number>): NodeJS.Timeout {
  return setInterval(() => {
    for (const managed of processes) {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${managed.child.pid}/status`, 'utf8'))?.[1] ?? 0);
        peaks.set(managed.name, Math.max(peaks.get(managed.name) ?? 0, kb));
      } catch {
        // exited
      }
    }
  }, 500);
}

describe('two APIs and two workers', () => {
  const database = inject('databases').find((entry) => entry.name === 'postgres')!;
  const kube = connectKube(inject('kubeconfig'));
  const dir = mkdtempSync(join(tmpdir(), 'fl-replicas-'));
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `replicas-${process.pid}-${Date.now()}`,
    DATABASE_URL: database.url,
    FL_KUBECONFIG: inject('kubeconfig'),
    FL_HOLD_SECONDS: '2',
    FL_SLA_POLL_SECONDS: '1',
    FL_CHALLENGE_SECRET: 'replicas-test-secret',
    FL_OPERATOR_TOKEN: 'replicas-operator-token',
    FL_SESSION_CREATE_LIMIT: '1000',
    FL_GATEWAY_TLS_DIR: join(dir, 'gateway-tls'),
    LOG_LEVEL: 'warn',
  };
  const apis: Api[] = [];
  const workers: ManagedProcess[] = [];
  const workerMetrics: string[] = [];
  const peaks = new Map<string, number>();
  let sampler: NodeJS.Timeout | undefined;
  let db: DatabaseHandle;

  const log = (name: string) => join(inject('servicesDir'), `replicas-${name}.log`);

  beforeAll(async () => {
    // One certificate for both gateways (what the chart mounts from one Secret): made by the library's own CA here.
    const made = join(dir, 'made');
    await loadOrCreateGatewayTls(made, ['127.0.0.1', 'localhost']);
    const given = env.FL_GATEWAY_TLS_DIR;
    mkdirSync(given, { recursive: true });
    copyFileSync(join(made, 'server.crt'), join(given, 'tls.crt'));
    copyFileSync(join(made, 'server.key'), join(given, 'tls.key'));
    copyFileSync(join(made, 'ca.crt'), join(given, 'ca.crt'));

    for (const name of ['api-1', 'api-2']) {
      const port = await freePort();
      const gatewayPort = await freePort();
      const gateway = `https://127.0.0.1:${gatewayPort}`;
      const managed = startProcess(name, process.execPath, ['api/main.ts'], {
        cwd: ROOT,
        env: {
          ...env,
          API_PORT: String(port),
          FL_GATEWAY_PORT: String(gatewayPort),
          FL_GATEWAY_PUBLIC_URL: gateway,
          FL_DATA_DIR: join(dir, name),
        },
        logFile: log(name),
      });
      apis.push({ name, base: `http://127.0.0.1:${port}`, gateway, process: managed });
    }
    for (const name of ['worker-1', 'worker-2']) {
      const metricsPort = await freePort();
      workerMetrics.push(`http://127.0.0.1:${metricsPort}`);
      workers.push(
        startProcess(name, process.execPath, ['worker/main.ts'], {
          cwd: ROOT,
          env: { ...env, FL_WORKER_METRICS_PORT: String(metricsPort), FL_DATA_DIR: join(dir, name) },
          logFile: log(name),
        }),
      );
    }
    sampler = sampleRss([...apis.map((api) => api.process), ...workers], peaks);
    for (const api of apis) {
      await waitUntil(`${api.name} healthy`, async () => (await fetch(`${api.base}/api/health`).catch(() => undefined))?.ok === true, {
        process: api.process,
        timeoutMs: 60_000,
      });
    }
    db = openDatabase(database.url, { maxConnections: 2 });
  }, 120_000);

  afterAll(async () => {
    clearInterval(sampler);
    for (const managed of [...apis.map((api) => api.process), ...workers]) await managed.stop();
    await db?.close();
  });

  const call = async (api: Api, method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(`${api.base}${path}`, {
      method,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, text: await response.text() };
  };

  const phaseOf = async (api: Api, id: string, token: string) =>
    (JSON.parse((await call(api, 'GET', `/api/sessions/${id}`, token)).text) as { phase: string }).phase;

  async function waitPhase(api: Api, id: string, token: string, phases: string[], timeoutMs = 180_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const phase = await phaseOf(api, id, token).catch(() => 'unreachable');
      if (phases.includes(phase)) return phase;
      if (Date.now() > deadline) throw new Error(`session ${id} is ${phase} on ${api.name}, expected ${phases.join('|')}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  function connect(client: Client, id: string, token: string) {
    const after = client.seen.at(-1) ?? 0;
    const socket = new WebSocket(`${client.api.base.replace('http', 'ws')}/api/sessions/${id}/events?after=${after}`, [
      'failurelib',
      `bearer.${token}`,
    ]);
    socket.addEventListener('message', (message) => {
      const parsed = JSON.parse(String(message.data)) as { event?: { id: number } };
      if (parsed.event) client.seen.push(parsed.event.id);
    });
    client.socket = socket;
  }

  it('plays every session to the end through both APIs while one API and one worker are killed', async () => {
    const played: Played[] = [];
    for (let index = 0; index < SESSIONS; index += 1) {
      const api = apis[index % 2]!;
      const created = await call(api, 'POST', '/api/sessions', undefined, {
        scenarioId: 'storefront-scaled-to-zero',
        systemId: 'demo-app',
        mode: 'learn',
        participant: { name: `Replica ${index}` },
      });
      expect(created.status).toBe(201);
      const { id, participantToken: token } = JSON.parse(created.text) as { id: string; participantToken: string };
      const clients = apis.map((other) => ({ api: other, seen: [] as number[] }));
      for (const client of clients) connect(client, id, token);
      played.push({ id, token, api, kubeconfig: '', clients });
    }
    for (const session of played) {
      await waitPhase(session.api, session.id, session.token, ['ready']);
      const kubeconfig = await call(session.api, 'GET', `/api/sessions/${session.id}/kubeconfig`, session.token);
      expect(kubeconfig.status).toBe(200);
      session.kubeconfig = join(dir, `${session.id}.kubeconfig`);
      writeFileSync(session.kubeconfig, kubeconfig.text, { mode: 0o600 });
      expect((await call(session.api, 'POST', `/api/sessions/${session.id}/start`, session.token)).status).toBe(200);
    }
    for (const session of played) await waitPhase(session.api, session.id, session.token, ['running']);

    // Mid-session: the first API and the first worker die without a chance to say so.
    const [killedApi, survivor] = [apis[0]!, apis[1]!];
    killedApi.process.child.kill('SIGKILL');
    workers[0]!.child.kill('SIGKILL');
    await Promise.all([killedApi.process.exited, workers[0]!.exited]);
    // Browsers cut off reconnect to the API that is left, after the last event they saw.
    for (const session of played) {
      for (const client of session.clients.filter((each) => each.api === killedApi)) {
        client.api = survivor;
        connect(client, session.id, session.token);
      }
    }

    // The fix, through the surviving gateway: a kubeconfig from the killed API works there too.
    for (const session of played) {
      const kubeconfig = session.kubeconfig.replace('.kubeconfig', '.survivor.kubeconfig');
      writeFileSync(kubeconfig, readFileSync(session.kubeconfig, 'utf8').replace(killedApi.gateway, survivor.gateway), { mode: 0o600 });
      const scaled = await kubectl(kubeconfig, ['scale', 'deployment/storefront', '--replicas=2']);
      expect(scaled.out).toContain('scaled');
    }
    for (const session of played) expect(await waitPhase(survivor, session.id, session.token, ['completed'])).toBe('completed');

    // Every sandbox is gone (teardown runs after `completed` is recorded: give it a moment).
    for (const session of played) {
      await waitUntil(`sandbox of ${session.id} deleted`, async () => !(await namespaceExists(kube, sandboxNamespace(session.id))), {
        timeoutMs: 60_000,
      });
    }

    // Every WebSocket client got every event of its session exactly once.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const session of played) {
      const stored = (await db.db.select({ id: sessionEvents.id }).from(sessionEvents).where(eq(sessionEvents.sessionId, session.id)))
        .map((row) => row.id)
        .sort((a, b) => a - b);
      expect(stored.length).toBeGreaterThan(5);
      for (const client of session.clients) {
        client.socket?.close();
        expect([...client.seen].sort((a, b) => a - b)).toEqual(stored);
      }
    }

    // What the operator would scrape: sessions by phase on the API, activities on the surviving worker.
    const metrics = await call(survivor, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/failurelib_sessions\{phase="completed"\} \d+/);
    expect(metrics.text).toMatch(/failurelib_gateway_requests_total\{method="(PUT|PATCH)",code="200"\} \d+/);
    expect((await fetch(`${workerMetrics[1]}/healthz`)).status).toBe(200);
    const workerText = await (await fetch(`${workerMetrics[1]}/metrics`)).text();
    expect(workerText).toMatch(/failurelib_activity_executions_total\{activity="[a-zA-Z]+"\} \d+/);

    const mb = (name: string) => Math.round((peaks.get(name) ?? 0) / 1024);
    console.log(
      `peak RSS with ${SESSIONS} sessions: ${[...apis.map((api) => api.name), 'worker-1', 'worker-2'].map((name) => `${name} ${mb(name)} MB`).join(', ')}`,
    );
  }, 600_000);
});
