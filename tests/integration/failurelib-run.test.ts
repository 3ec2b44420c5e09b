// `failurelib run --solve` against a real API (worker, Temporal, sim cluster, PGlite): a headless session goes
// from provisioning to completed, the reference solution repairs it, and the CLI exits 0 with a score.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from '../support/session-harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('failurelib run', () => {
  let harness: Harness;
  let api: string;
  beforeAll(async () => {
    const pglite = inject('databases').find((database) => database.name === 'pglite')!;
    harness = await startHarness({ temporalAddress: inject('temporalAddress'), kubeconfig: inject('kubeconfig'), databaseUrl: pglite.url });
    api = await harness.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => harness?.close());

  it('plays a scenario headless and repairs it with --solve', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'cli/failurelib.ts'), 'run', 'storefront-scaled-to-zero', '--system', 'demo-app', '--solve', '--api', api], { cwd: ROOT, timeout: 150_000 });
    expect(stdout).toMatch(/^session [0-9a-f-]+ \(storefront-scaled-to-zero on demo-app, learn mode\)/);
    expect(stdout).toMatch(/phase running · SLA red \(storefront-reachable\)/);
    expect(stdout).toContain('$ kubectl scale deployment/storefront --replicas=2\n  ok');
    expect(stdout).toMatch(/phase completed · SLA green/);
    expect(stdout).toMatch(/score \d+, repaired in \d+s/);
  }, 180_000);
});
