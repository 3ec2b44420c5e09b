// A session runs on the library as it was when the session was created: editing the library while it runs
// (or a worker of another version) changes neither its oracle, its SLA objectives, its hints nor its score,
// and a system whose manifests changed before the deploy fails the session with the reason.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ResultDto } from '../../api/contract.ts';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { loadLibrary, type Library } from '../../scenarios/lib/load.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, kubectl, namespaceExists, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

const SCENARIOS = join(import.meta.dirname, '../../scenarios');
const SCENARIO_FILE = 'library/storefront-scaled-to-zero/scenario.yaml';
const SYSTEM_FILE = 'systems/demo-app/system.yaml';
const MANIFESTS_FILE = 'systems/demo-app/manifests.yaml';
// The snapshot is the workflow's and its activities' business, not the database's: one database is enough.
const database = () => inject('databases')[0]!;

function libraryCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fl-snapshot-library-'));
  cpSync(SCENARIOS, dir, { recursive: true });
  return dir;
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  writeFileSync(path, after);
}

/** What a worker that reloads its library sees: the edited documents, in the maps the API and worker share. */
function reloadInto(library: Library, dir: string): void {
  const edited = loadLibrary(dir);
  for (const [id, scenario] of edited.scenarios) library.scenarios.set(id, scenario);
  for (const [id, system] of edited.systems) library.systems.set(id, system);
}

describe('a running session keeps the library it was created with', () => {
  let harness: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = libraryCopy();
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: database().url,
      env: { FL_SCENARIOS_DIR: dir },
    });
  });
  afterAll(async () => {
    await harness?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('its oracle, objectives, hints and score do not change when the library is edited while it runs', async () => {
    const { app, kube, library } = harness;
    const original = library.scenarios.get('storefront-scaled-to-zero')!.spec;
    const { id, participantToken: token } = await createSession(app);
    const auth = { authorization: `Bearer ${token}` };
    await waitForPhase(app, id, token, ['ready']);
    expect((await app.inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: auth })).statusCode).toBe(200);
    await waitForPhase(app, id, token, ['running']);

    // Every edit would change this session if it were read again: an oracle and an objective that never hold
    // at two replicas (no repair), other hints, a fault on another deployment (scaling the storefront becomes
    // collateral) and a par of one second.
    edit(dir, SCENARIO_FILE, (text) =>
      text
        .replace('deploymentAvailable: { name: storefront, minAvailable: 1 }', 'deploymentAvailable: { name: storefront, minAvailable: 5 }')
        .replace('The Service for the storefront exists. Does it have any endpoints?', 'Edited hint, look at the checkout instead.')
        .replace('args: { deployment: storefront }', 'args: { deployment: checkout }')
        .replace('parTimeSeconds: 180', 'parTimeSeconds: 1'),
    );
    edit(dir, SYSTEM_FILE, (text) =>
      text.replace('serviceReachable: { name: storefront, minPods: 2 }', 'serviceReachable: { name: storefront, minPods: 5 }'),
    );
    reloadInto(library, dir);
    expect(library.scenarios.get('storefront-scaled-to-zero')!.spec.hints[0]).toBe('Edited hint, look at the checkout instead.');

    const hint = await app.inject({ method: 'POST', url: `/api/sessions/${id}/hints`, headers: auth });
    expect(hint.statusCode).toBe(200);
    expect(hint.json().hint).toBe(original.hints[0]);

    const kubeconfig = await participantKubeconfig(app, id, token);
    expect((await kubectl(kubeconfig, ['scale', 'deployment/storefront', '--replicas=2'])).ok).toBe(true);
    const done = await waitForPhase(app, id, token, ['completed']);
    expect(done.events.map((event) => event.summary)).toContain('SLA green and holding: repaired');

    const response = await app.inject({ method: 'GET', url: `/api/sessions/${id}/result`, headers: auth });
    expect(response.statusCode).toBe(200);
    const result = response.json() as ResultDto;
    expect(result.parTimeSeconds).toBe(original.parTimeSeconds);
    expect(result.breakdown.collateralPenalty).toBe(0);
    expect(result.reasons.filter((reason) => reason.term === 'collateral' || reason.term === 'time')).toEqual([]);
    expect(await namespaceExists(kube, sandboxNamespace(id))).toBe(false);
  });
});

describe('a system changed between the creation of a session and its deploy', () => {
  let harness: Harness;
  let apiDir: string;
  beforeAll(async () => {
    // The API (another version) has a demo-app whose manifests differ from the worker's.
    apiDir = libraryCopy();
    edit(apiDir, MANIFESTS_FILE, (text) => `# a newer demo-app\n${text}`);
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: database().url,
      env: { FL_SCENARIOS_DIR: apiDir },
      workerScenariosDir: SCENARIOS,
    });
  });
  afterAll(async () => {
    await harness?.close();
    rmSync(apiDir, { recursive: true, force: true });
  });

  it('fails the session at once, saying why, and deletes its sandbox', async () => {
    const { app, kube } = harness;
    const { id, participantToken: token } = await createSession(app);
    const failed = await waitForPhase(app, id, token, ['failed', 'ready'], 30_000);
    expect(failed.phase).toBe('failed');
    expect(failed.events.map((event) => event.summary)).toContainEqual(
      expect.stringMatching(/system demo-app changed since this session was created.*start a new session/),
    );
    expect(await namespaceExists(kube, sandboxNamespace(id))).toBe(false);
  });
});
