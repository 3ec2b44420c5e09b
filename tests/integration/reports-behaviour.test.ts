// Similarity by behaviour on the real database (PGlite and PostgreSQL): a report written in its author's own words
// (nothing in common with the library's) is linked to the session that reproduced it; the session's SLA timeline and
// kubectl writes become the report's behaviour, and the scenario that fails the same way comes first, with the
// shared behaviour as its reason. Remediations and linked scenarios add to the behaviour too.
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ReportDto } from '../../api/reports/report-contract.ts';
import { kubeRequests, slaSamples } from '../../db/schema.ts';
import { minimalReport, REVIEWER, startReportsHarness, type ReportsHarness } from '../support/reports-harness.ts';
import { insertSessionRow } from '../support/session-row.ts';

const BASKET_REPORT = {
  ...minimalReport('Basket API broken since this morning', ['basket-api']),
  whatFailed: 'Basket calls fail for everyone; nobody changed our code.',
};

function ok<T>(response: LightMyRequestResponse, status = 200): T {
  expect(response.statusCode, response.body).toBe(status);
  return response.json() as T;
}

describe.each(inject('databases'))('similarity by behaviour on $name', ({ url }) => {
  let harness: ReportsHarness;
  const post = (path: string, payload: object, headers: Record<string, string> = {}) =>
    harness.app.inject({ method: 'POST', url: path, headers, payload });
  const get = (path: string) => harness.app.inject({ method: 'GET', url: path });
  const file = async (body: object) =>
    ok<{ id: string }>(await post('/api/reports', body, { 'idempotency-key': `k-${randomUUID()}` }), 201).id;

  beforeAll(async () => {
    harness = await startReportsHarness({ databaseUrl: url, temporalAddress: inject('temporalAddress') });
  });
  afterAll(async () => harness?.close());

  /** A session where the cart went red for four minutes, OOM-killed, until its memory limit was raised. */
  async function recordCartSession(): Promise<string> {
    const { db } = harness.database;
    const sessionId = await insertSessionRow(db, 'Ada');
    const at = (seconds: number) => new Date(Date.parse('2026-01-01T10:00:00Z') + seconds * 1000);
    const objectives = (cart: 'green' | 'red', slis: Record<string, number> = {}) => [
      { name: 'cart-reachable', status: cart, slis },
      { name: 'shoppers-browse', status: 'green' },
    ];
    await db.insert(slaSamples).values([
      { sessionId, at: at(0), status: 'green', objectives: objectives('green') },
      { sessionId, at: at(30), status: 'red', objectives: objectives('red', { oomKilled: 1, restarts: 3 }) },
      { sessionId, at: at(270), status: 'green', objectives: objectives('green') },
    ]);
    await db.insert(kubeRequests).values([
      { sessionId, verb: 'get', resource: 'pods', status: 200, latencyMs: 3, command: 'kubectl describe' },
      { sessionId, verb: 'patch', resource: 'deployments', status: 422, latencyMs: 3, command: 'kubectl edit' },
      { sessionId, verb: 'patch', resource: 'deployments', status: 200, latencyMs: 4, command: 'kubectl set resources' },
    ]);
    return sessionId;
  }

  it('ranks the scenario that behaves alike first once the reproducing session is linked, and says why', async () => {
    const id = await file(BASKET_REPORT);
    const before = ok<ReportDto>(await get(`/api/reports/${id}`));
    expect(before.behaviour).toEqual([]);
    expect(before.similar.flatMap((s) => s.reasons).join(' ')).not.toMatch(/behaviour/);

    const unknown = await post(`/api/reports/${id}/review`, { status: 'rejected', sessionId: 'no-such-session' }, REVIEWER);
    expect(unknown.statusCode, unknown.body).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { details: [{ field: 'sessionId' }] } });

    const sessionId = await recordCartSession();
    const linked = ok<ReportDto>(
      await post(`/api/reports/${id}/review`, { status: 'published', tags: ['capacity', 'errors', 'change'], sessionId }, REVIEWER),
    );
    expect(linked.sessionId).toBe(sessionId);
    // What the session showed: the cart red first, for four minutes, OOM kills; the fix that went through (the
    // refused edit and the reads are no fix step).
    expect(linked.behaviour).toEqual(
      expect.arrayContaining([
        'red:cart-reachable',
        'first-red:cart-reachable',
        'red-for:1-5m',
        'condition:OOMKilled',
        'fix:set-resources:deployment',
      ]),
    );
    expect(linked.behaviour.filter((t) => t.includes('edit') || t.includes('describe') || t.includes('shoppers-browse'))).toEqual([]);

    const page = ok<ReportDto>(await get(`/api/reports/${id}`));
    // The scenario (and the seed post-mortem it reproduces) come first: they behave alike, whatever the words.
    expect(page.similar.slice(0, 2).map((s) => s.id)).toContain('cart-oom-killed');
    const scenario = page.similar.find((s) => s.id === 'cart-oom-killed')!;
    expect(scenario.kind).toBe('scenario');
    expect(scenario.reasons[0]).toMatch(
      /^shared behaviour: went red cart-reachable; conditions .*OOMKilled.*; fix set-resources deployment$/,
    );
  });

  it('adds the kubectl steps of an attached remediation and of a linked scenario to the behaviour', async () => {
    const id = await file(minimalReport('Lookups slow at peak', ['finder']));
    ok(await post(`/api/reports/${id}/remediations`, { summary: 'More room to scale', commands: ['kubectl patch hpa finder -p {}'] }), 201);
    expect(ok<ReportDto>(await get(`/api/reports/${id}`)).behaviour).toEqual(['fix:patch', 'fix:patch:horizontalpodautoscaler']);

    const reviewed = ok<ReportDto>(
      await post(
        `/api/reports/${id}/review`,
        { status: 'published', tags: ['capacity', 'latency', 'load'], scenarioId: 'search-hpa-max-too-low' },
        REVIEWER,
      ),
    );
    expect(reviewed.behaviour).toEqual(
      expect.arrayContaining(['fix:patch:horizontalpodautoscaler', 'condition:AtMaxReplicas', 'red:search-reachable']),
    );
    // Its seed post-mortem and the scenario share the behaviour: the scenario is named with it.
    const scenario = reviewed.similar.find((s) => s.id === 'search-hpa-max-too-low');
    expect(scenario?.reasons[0]).toMatch(/^shared behaviour: .*fix patch horizontalpodautoscaler/);
  });
});
