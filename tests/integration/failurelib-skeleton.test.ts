// `failurelib scenario-skeleton` against a real API (PGlite, the seed reports): a published report becomes a scenario
// skeleton with its title, story, tags and source; `failurelib validate` refuses it, naming every TODO with its line,
// until an author fills them in, and then accepts it. Bad input is refused in one line and writes nothing.
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { failurelibInProcess as failurelib } from '../support/failurelib-cli.ts';
import { freePort } from '../../infra/lib/ports.ts';
import { REVIEWER, startReportsHarness, type ReportsHarness } from '../support/reports-harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('failurelib scenario-skeleton', () => {
  let harness: ReportsHarness;
  let api: string;
  let reportId: string;
  const library = mkdtempSync(join(tmpdir(), 'fl-skeleton-library-'));
  cpSync(join(ROOT, 'scenarios/systems'), join(library, 'systems'), { recursive: true });

  beforeAll(async () => {
    const pglite = inject('databases').find((database) => database.name === 'pglite')!;
    harness = await startReportsHarness({ databaseUrl: pglite.url, temporalAddress: inject('temporalAddress') });
    api = await harness.app.listen({ host: '127.0.0.1', port: 0 });
    const filed = await harness.app.inject({
      method: 'POST',
      url: '/api/reports',
      headers: { 'idempotency-key': `skeleton-${randomUUID()}` },
      payload: {
        title: 'Checkout pods <script> evicted by a node drain',
        whatFailed: 'Every checkout pod was evicted at once during a node upgrade.',
        impact: 'No orders for 12 minutes.',
        detection: 'Checkout error-rate alert.',
        trigger: 'A node pool upgrade drained nodes without a PodDisruptionBudget.',
        timeline: '10:00 upgrade; 10:02 errors; 10:14 pods back.',
        environment: { kubernetesVersion: '1.30', provider: 'GKE', components: ['Deployment', 'PodDisruptionBudget'] },
        links: ['https://example.org/postmortems/checkout-drain'],
      },
    });
    reportId = (filed.json() as { id: string }).id;
    const reviewed = await harness.app.inject({
      method: 'POST',
      url: `/api/reports/${reportId}/review`,
      headers: REVIEWER,
      payload: { status: 'published', tags: ['scheduling', 'unavailable', 'change'] },
    });
    expect(reviewed.statusCode, reviewed.body).toBe(200);
  });
  afterAll(async () => {
    await harness?.close();
    rmSync(library, { recursive: true, force: true });
  });

  it('writes a skeleton that validate refuses, naming each TODO, and accepts once filled in', async () => {
    const written = await failurelib('scenario-skeleton', '--report', reportId, '--api', api, '--library', library);
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
    const dir = join(library, 'library/checkout-pods-script-evicted-by-a-node-drain');
    const file = join(dir, 'scenario.yaml');
    expect(written.stdout).toContain(`wrote ${file} from report ${reportId}`);
    const skeleton = parseDocument(readFileSync(file, 'utf8'));
    expect(skeleton.toJS()).toMatchObject({
      metadata: { name: 'checkout-pods-script-evicted-by-a-node-drain' },
      spec: {
        title: 'Checkout pods <script> evicted by a node drain',
        tags: ['scheduling', 'unavailable', 'change'],
        source: { url: 'https://example.org/postmortems/checkout-drain' },
        story: expect.stringMatching(/^Every checkout pod was evicted[\s\S]*Impact: No orders[\s\S]*It started with: A node pool upgrade/),
      },
    });

    const refused = await failurelib('validate', library);
    expect(refused.code).toBe(1);
    const todos = refused.stdout.trim().split('\n');
    expect(todos.pop()).toBe('8 problems');
    const where = (path: string) => todos.find((line) => line.includes(` ${path} still to fill in: `));
    for (const path of [
      'spec.codename',
      'spec.systems.0',
      'spec.rootCause',
      'spec.explanation',
      'spec.hints.0',
      'spec.steps',
      'spec.oracle.predicates',
      'spec.solutions.0.commands.0',
    ])
      expect(where(path), `${path} in\n${todos.join('\n')}`).toMatch(/^.*scenario\.yaml:\d+:\d+ /);
    expect(where('spec.steps')).toContain('the fault step(s) that reproduce what failed');

    // Another skeleton can be drafted while this one still holds its TODOs (the library does not load meanwhile).
    const second = join(library, 'library/second-draft');
    expect(await failurelib('scenario-skeleton', '--report', reportId, '--api', api, '--library', library, '--out', second)).toMatchObject({
      code: 0,
      stderr: '',
    });
    expect(existsSync(join(second, 'scenario.yaml'))).toBe(true);
    rmSync(second, { recursive: true });

    skeleton.setIn(['spec', 'codename'], 'Drained Till');
    skeleton.setIn(['spec', 'systems'], ['demo-app']);
    skeleton.setIn(['spec', 'rootCause'], 'The checkout Deployment was scaled to zero.');
    skeleton.setIn(['spec', 'explanation'], 'Nothing kept a checkout pod running.');
    skeleton.setIn(['spec', 'hints'], ['Look at the checkout Deployment.']);
    skeleton.setIn(['spec', 'steps'], [{ fault: { type: 'scale-to-zero', args: { deployment: 'checkout' } } }]);
    skeleton.setIn(['spec', 'oracle', 'predicates'], [{ deploymentAvailable: { name: 'checkout', minAvailable: 1 } }]);
    skeleton.setIn(['spec', 'solutions'], [{ commands: ['kubectl scale deployment/checkout --replicas=2'] }]);
    writeFileSync(file, skeleton.toString());
    const accepted = await failurelib('validate', library);
    expect(accepted.stdout).toBe('ok: 3 systems, 1 scenario\n');
    expect(accepted.code).toBe(0);

    // It never overwrites a scenario.
    const again = await failurelib('scenario-skeleton', '--report', reportId, '--api', api, '--library', library);
    expect(again).toEqual({ code: 1, stdout: '', stderr: `failurelib: ${file} exists already: choose another --out\n` });
  });

  it('refuses an unknown report, a bad --out and an API that is not there, writing nothing', async () => {
    const out = join(library, 'library/never-written');
    expect(await failurelib('scenario-skeleton', '--report', 'no-such-report', '--api', api, '--out', out)).toEqual({
      code: 1,
      stdout: '',
      stderr: `failurelib: no report "no-such-report" at ${api}\n`,
    });
    expect(await failurelib('scenario-skeleton', '--report', reportId, '--api', api, '--out', join(library, 'library/Bad_Name'))).toEqual({
      code: 2,
      stdout: '',
      stderr: `failurelib: --out must end in the scenario's name (lower-case letters, digits and dashes): "Bad_Name" is not one\n`,
    });
    const nothing = `http://127.0.0.1:${await freePort()}`;
    expect(await failurelib('scenario-skeleton', '--report', reportId, '--api', nothing, '--out', out)).toEqual({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/^failurelib: cannot reach the API at http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED .*\n$/),
    });
    expect(await failurelib('scenario-skeleton', '--api', api)).toMatchObject({
      code: 2,
      stderr: 'failurelib: scenario-skeleton needs --report <id>\n',
    });
    expect(existsSync(out)).toBe(false);
  });
});
