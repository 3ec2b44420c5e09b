// A worker process killed (SIGKILL) while a session is running: a new worker picks the session up, the
// SLA watch resumes after its heartbeat times out, and the session completes and tears down.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sandboxNamespace } from '../../activities/cluster/labels.ts';
import { startProcess, type ManagedProcess } from '../../infra/lib/processes.ts';
import { ROOT } from '../../infra/lib/tools.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, kubectl, namespaceExists, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

describe('worker crash mid-session', () => {
  const taskQueue = `crash-${randomUUID()}`;
  const database = inject('databases')[0]!;
  const env = {
    ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: database.url,
    FL_KUBECONFIG: inject('kubeconfig'), FL_HOLD_SECONDS: '2', FL_SLA_POLL_SECONDS: '1',
  };
  const startWorker = (n: number): ManagedProcess =>
    startProcess(`worker-${n}`, process.execPath, ['worker/main.ts'], { cwd: ROOT, env, logFile: join(inject('servicesDir'), `crash-worker-${n}.log`) });
  let harness: Harness;
  let worker: ManagedProcess | undefined;

  beforeAll(async () => {
    harness = await startHarness({ temporalAddress: env.TEMPORAL_ADDRESS, kubeconfig: env.FL_KUBECONFIG, databaseUrl: database.url, externalWorkerTaskQueue: taskQueue });
  });
  afterAll(async () => {
    await worker?.stop();
    await harness?.close();
  });

  it('completes the session after the worker is killed and restarted', async () => {
    const { app, kube } = harness;
    worker = startWorker(1);
    const { id, participantToken: token } = await createSession(app);
    await waitForPhase(app, id, token, ['ready']);
    const kubeconfig = await participantKubeconfig(app, id, token);
    expect((await app.inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    await waitForPhase(app, id, token, ['running']);

    worker.child.kill('SIGKILL');
    await worker.exited;
    expect((await kubectl(kubeconfig, ['scale', 'deployment/storefront', '--replicas=2'])).ok).toBe(true);
    worker = startWorker(2);

    const done = await waitForPhase(app, id, token, ['completed'], 120_000);
    expect(done.repairedAt).toBeDefined();
    expect(await namespaceExists(kube, sandboxNamespace(id))).toBe(false);
  }, 180_000);
});
