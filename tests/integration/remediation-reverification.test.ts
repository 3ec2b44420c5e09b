// Re-verification on change, on the real stack (worker, Temporal, sim cluster, PGlite): a verified remediation is
// verified again when its scenario changes (a copy of the library with the scenario edited, as a new release loads
// at API start), once however many processes look for stale verdicts at once; and when a reviewer edits its commands,
// here into a wrong fix, whose `refuted` verdict then replaces the old one. Every verdict stays in the history.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseDocument } from 'yaml';
import { reverifyStale } from '../../api/reports/verification-start.ts';
import type { Remediation } from '../../api/reports/report-contract.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';
import { minimalReport } from '../support/reports-harness.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';

const REVIEWER = { authorization: 'Bearer reviewer-test-token' };
const SCENARIO = 'storefront-scaled-to-zero';

describe('remediation re-verification on change', () => {
  let harness: Harness;
  const libraryDir = mkdtempSync(join(tmpdir(), 'fl-reverify-library-'));
  beforeAll(async () => {
    cpSync(resolve(import.meta.dirname, '../../scenarios'), libraryDir, { recursive: true });
    const pglite = inject('databases').find((database) => database.name === 'pglite')!;
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: pglite.url,
      env: { FL_REVIEWER_TOKEN: 'reviewer-test-token', FL_VERIFY_TIME_LIMIT_SECONDS: '40', FL_SCENARIOS_DIR: libraryDir },
    });
  });
  afterAll(async () => {
    await harness?.close();
    rmSync(libraryDir, { recursive: true, force: true });
  });

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    harness.app.inject({ method: 'POST', url, payload, headers });
  const remediation = async (id: string) =>
    (await harness.app.inject({ method: 'GET', url: `/api/remediations/${id}` })).json() as Remediation;
  const verdict = async (id: string) => {
    await expect.poll(async () => (await remediation(id)).status, { timeout: 170_000, interval: 1000 }).not.toBe('verifying');
    return remediation(id);
  };

  it('verifies again when the scenario changes and when the commands are edited; the latest verdict shows', async () => {
    const filed = await post('/api/reports', minimalReport('Storefront down after a scale to zero'), {
      'idempotency-key': `k-${randomUUID()}`,
    });
    const reportId = (filed.json() as { id: string }).id;
    const reviewed = await post(
      `/api/reports/${reportId}/review`,
      { status: 'published', tags: ['workload-spec', 'unavailable', 'change'], scenarioId: SCENARIO },
      REVIEWER,
    );
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    const added = await post(`/api/reports/${reportId}/remediations`, {
      summary: 'Scale it back',
      commands: ['kubectl scale deployment/storefront --replicas=2'],
    });
    const { id } = added.json() as { id: string };
    const started = await post(`/api/reports/${reportId}/remediations/${id}/verify`, {}, REVIEWER);
    expect(started.statusCode, started.body).toBe(202);
    const first = await verdict(id);
    expect(first.status).toBe('verified');
    expect(first.verifications).toHaveLength(1);
    const [original] = first.verifications!;
    expect(original).toMatchObject({ trigger: 'requested', status: 'verified', scenarioId: SCENARIO, systemId: 'demo-app' });
    expect((started.json() as { workflowId: string }).workflowId).toBe(`verify-remediation-${id}-${original!.digests.combined}`);

    // Nothing changed: nothing is verified again.
    const deps = { db: harness.database.db, config: harness.config, temporal: harness.temporal };
    // The database is shared with other test files, whose remediations may be re-verified too: count only this one.
    const ours = (runs: { remediationId: string; workflowId: string }[]) => runs.filter((run) => run.remediationId === id);
    expect(ours(await reverifyStale({ ...deps, library: loadLibrary(libraryDir) }))).toEqual([]);

    // The scenario changes (a new hint): two API processes starting together verify it again once.
    const file = join(libraryDir, 'library', SCENARIO, 'scenario.yaml');
    const document = parseDocument(readFileSync(file, 'utf8'));
    document.addIn(['spec', 'hints'], 'Count the replicas the deployment asks for.');
    writeFileSync(file, document.toString());
    const changed = loadLibrary(libraryDir);
    const runs = await Promise.all([reverifyStale({ ...deps, library: changed }), reverifyStale({ ...deps, library: changed })]);
    expect(ours(runs.flat())).toHaveLength(1);
    const second = await verdict(id);
    expect(second.status).toBe('verified');
    expect(second.verifications).toHaveLength(2);
    const [again] = second.verifications!;
    expect(again).toMatchObject({ trigger: 'library-changed', status: 'verified' });
    expect(again!.digests.scenario).not.toBe(original!.digests.scenario);
    expect(again!.digests).toMatchObject({ system: original!.digests.system, commands: original!.digests.commands });
    expect(ours(runs.flat())[0]!.workflowId).toBe(`verify-remediation-${id}-${again!.digests.combined}`);
    expect(ours(await reverifyStale({ ...deps, library: changed }))).toEqual([]);

    // A reviewer edits the commands into a wrong fix: verified again, refuted, and that verdict is the one shown.
    const edit = (payload: object, headers: Record<string, string> = REVIEWER) =>
      harness.app.inject({ method: 'PATCH', url: `/api/reports/${reportId}/remediations/${id}`, payload, headers });
    expect((await edit({ commands: ['kubectl get pods'] }, {})).statusCode).toBe(401);
    const edited = await edit({ commands: ['kubectl get pods'] });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ status: 'verifying', commands: ['kubectl get pods'] });
    // While it runs, another edit waits for the verdict.
    expect((await edit({ summary: 'Look first' })).statusCode).toBe(409);
    const third = await verdict(id);
    expect(third).toMatchObject({ status: 'refuted', evidence: { reason: expect.stringMatching(/^SLA still red/) } });
    expect(third.verifications!.map((v) => [v.trigger, v.status])).toEqual([
      ['remediation-edited', 'refuted'],
      ['library-changed', 'verified'],
      ['requested', 'verified'],
    ]);
    expect(third.verifications![0]!.commands).toEqual(['kubectl get pods']);
    expect(third.evidence!.sessionId).toBe(third.verifications![0]!.sessionId);
    // A summary-only edit leaves the verdict alone.
    const reworded = await edit({ summary: 'Looking is not fixing' });
    expect(reworded.json()).toMatchObject({ status: 'refuted', summary: 'Looking is not fixing' });
    const audit = (await harness.app.inject({ method: 'GET', url: `/api/reports/${reportId}/audit`, headers: REVIEWER })).json() as {
      action: string;
      actor: string;
    }[];
    expect(audit.filter((a) => a.action === 'verification started').map((a) => a.actor)).toEqual(['reviewer', 'system', 'reviewer']);
    expect(audit.filter((a) => a.action === 'remediation edited')).toHaveLength(2);
  }, 400_000);
});
