// The worker process killed (SIGKILL) in each phase of a session, then restarted: a new worker picks the
// session up (activities retried after their heartbeat timeout, the SLA watch resumed from its last
// heartbeat), the session completes, and no sandbox is left. FL_CRASH_REPEATS=n repeats every case.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { startProcess, type ManagedProcess } from '../../infra/lib/processes.ts';
import { ROOT } from '../../infra/lib/tools.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, kubectl, namespaceExists, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

const REPEATS = Number(process.env.FL_CRASH_REPEATS ?? 1);
type CrashPoint = 'provisioning' | 'ready' | 'running';
const cases = (['provisioning', 'ready', 'running'] as CrashPoint[]).flatMap((phase) =>
  Array.from({ length: REPEATS }, (_, run) => ({ phase, run: run + 1 })),
);

describe('worker killed mid-session', () => {
  const taskQueue = `crash-${randomUUID()}`;
  const database = inject('databases')[0]!;
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: database.url,
    FL_KUBECONFIG: inject('kubeconfig'),
    FL_HOLD_SECONDS: '2',
    FL_SLA_POLL_SECONDS: '1',
  };
  let workers = 0;
  const startWorker = (): ManagedProcess => {
    workers += 1;
    return startProcess(`worker-${workers}`, process.execPath, ['worker/main.ts'], {
      cwd: ROOT,
      env,
      logFile: join(inject('servicesDir'), `crash-worker-${workers}.log`),
    });
  };
  let harness: Harness;
  let worker: ManagedProcess | undefined;

  beforeAll(async () => {
    harness = await startHarness({
      temporalAddress: env.TEMPORAL_ADDRESS,
      kubeconfig: env.FL_KUBECONFIG,
      databaseUrl: database.url,
      externalWorkerTaskQueue: taskQueue,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await harness?.close();
  });

  async function crashAndRestart() {
    worker?.child.kill('SIGKILL');
    await worker?.exited;
    worker = startWorker();
  }

  it.each(cases)(
    'killed while $phase (run $run): the session completes and its sandbox is deleted',
    async ({ phase }) => {
      const { app, kube } = harness;
      worker ??= startWorker();
      const post = (url: string, token: string) => app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } });
      const { id, participantToken: token } = await createSession(app);
      if (phase === 'provisioning') {
        await waitForPhase(app, id, token, ['provisioning']);
        await crashAndRestart();
      }
      await waitForPhase(app, id, token, ['ready'], 120_000);
      if (phase === 'ready') await crashAndRestart();
      const kubeconfig = await participantKubeconfig(app, id, token);
      expect((await post(`/api/sessions/${id}/start`, token)).statusCode).toBe(200);
      await waitForPhase(app, id, token, ['running'], 120_000);
      if (phase === 'running') await crashAndRestart();
      expect((await kubectl(kubeconfig, ['scale', 'deployment/storefront', '--replicas=2'])).ok).toBe(true);

      const done = await waitForPhase(app, id, token, ['completed'], 120_000);
      expect(done.repairedAt).toBeDefined();
      const phases = done.events.filter((event) => event.kind === 'phase').map((event) => event.summary);
      expect(new Set(phases).size).toBe(phases.length);
      expect(await namespaceExists(kube, sandboxNamespace(id))).toBe(false);
    },
    300_000,
  );
});
