// The worker process (node worker/main.ts) with a prebuilt workflow bundle: it runs the bundle's code while the
// bundle matches the sources, and never once a source it was made from changed (it bundles the sources then and
// says why). A bundle whose code throws shows which code a worker ran.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startProcess, waitUntil, type ManagedProcess } from '../../infra/lib/processes.ts';
import { ROOT } from '../../infra/lib/tools.ts';
import {
  PUBLICATION_WORKFLOWS_PATH,
  buildWorkflowBundle,
  manifestPath,
  publicationBundlePath,
  type BundleManifest,
} from '../../worker/workflow-bundle.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, waitForPhase } from '../support/session-client.ts';

describe('the worker and its prebuilt workflow bundle', () => {
  const taskQueue = `bundle-${randomUUID()}`;
  const database = inject('databases')[0]!;
  const dir = join(inject('servicesDir'), `bundles-${randomUUID().slice(0, 8)}`);
  const fresh = join(dir, 'fresh/workflow-bundle.js');
  let harness: Harness;
  let worker: ManagedProcess | undefined;

  beforeAll(async () => {
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: database.url,
      externalWorkerTaskQueue: taskQueue,
    });
    await buildWorkflowBundle(fresh);
    await buildWorkflowBundle(publicationBundlePath(fresh), PUBLICATION_WORKFLOWS_PATH);
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });
  afterAll(async () => {
    await harness?.close();
  });

  /** A copy of the fresh bundle whose code throws first thing when loaded, with the manifest changed by `edit`. */
  function throwingBundle(name: string, edit: (manifest: BundleManifest) => void): string {
    const codePath = join(dir, name, 'workflow-bundle.js');
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(codePath, `throw new Error('the prebuilt bundle ran');\n${readFileSync(fresh, 'utf8')}`);
    const manifest = JSON.parse(readFileSync(manifestPath(fresh), 'utf8')) as BundleManifest;
    edit(manifest);
    writeFileSync(manifestPath(codePath), JSON.stringify(manifest));
    return codePath;
  }

  function startWorker(bundle: string, name: string): ManagedProcess {
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: database.url,
      FL_KUBECONFIG: inject('kubeconfig'),
      FL_WORKFLOW_BUNDLE: bundle,
    };
    return startProcess(`worker-${name}`, process.execPath, ['worker/main.ts'], {
      cwd: ROOT,
      env,
      logFile: join(dir, `worker-${name}.log`),
    });
  }

  async function logSays(process: ManagedProcess, pattern: RegExp): Promise<void> {
    await waitUntil(`worker log matching ${pattern}`, async () => pattern.test(readFileSync(process.logFile, 'utf8')), {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
  }

  async function sessionGetsReady(): Promise<void> {
    const { id, participantToken: token } = await createSession(harness.app);
    await waitForPhase(harness.app, id, token, ['ready'], 120_000);
    const abandoned = await harness.app.inject({
      method: 'POST',
      url: `/api/sessions/${id}/abandon`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(abandoned.statusCode).toBeLessThan(300);
    await waitForPhase(harness.app, id, token, ['abandoned'], 120_000);
  }

  it('runs sessions from a fresh prebuilt bundle, and publications from the one beside it (no webpack at start)', async () => {
    worker = startWorker(fresh, 'fresh');
    await logSays(worker, new RegExp(`workflows from the prebuilt bundle ${fresh.replace(/[.]/g, '\\.')}`));
    await logSays(
      worker,
      new RegExp(`publication workflows from the prebuilt bundle ${publicationBundlePath(fresh).replace(/[.]/g, '\\.')}`),
    );
    await sessionGetsReady();
  });

  it('runs the prebuilt code, not the sources, while the bundle is fresh', async () => {
    worker = startWorker(
      throwingBundle('fresh-throwing', () => {}),
      'fresh-throwing',
    );
    expect(await worker.exited).not.toBe(0);
    expect(readFileSync(worker.logFile, 'utf8')).toContain('the prebuilt bundle ran');
  });

  it('ignores a bundle one of whose sources changed since, says which, and runs the sources', async () => {
    const stale = throwingBundle('stale', (manifest) => {
      manifest.files['workflows/scenario-session.ts'] = '0'.repeat(64);
    });
    worker = startWorker(stale, 'stale');
    await logSays(worker, /workflows bundled at start: workflows\/scenario-session\.ts changed since the bundle was built/);
    await sessionGetsReady();
    expect(readFileSync(worker.logFile, 'utf8')).not.toContain('the prebuilt bundle ran');
  });
});
