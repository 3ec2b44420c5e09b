// Failure reports on the real database (PGlite and PostgreSQL): a draft is kept and completed by its client key,
// a submission needs every required field and loses nothing when refused, a reviewer categorises (tags suggested
// from the text), merges a duplicate and publishes, every change is audited, and a report lists the similar seed
// reports and the scenario that reproduces it, each with its reasons.
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { reports } from '../../db/schema.ts';
import { LAYERS } from '../../domain/report-terms.ts';
import { taxonomyProblems } from '../../api/reports/report-store.ts';
import type { ReportDto } from '../../api/reports/report-contract.ts';
import { REVIEWER, startReportsHarness, type ReportsHarness } from '../support/reports-harness.ts';

const DNS_REPORT = {
  title: 'DNS lookups fail everywhere; CoreDNS pods OOMKilled',
  whatFailed: 'CoreDNS pods were OOM-killed again and again, so services could not resolve names.',
  impact: 'Errors on most services for 40 minutes.',
  detection: 'Error-rate alerts on many services at once.',
  trigger: 'A traffic peak with retries.',
  timeline: '09:10 errors start; 09:25 CoreDNS restarts found; 09:50 memory limit raised.',
  environment: { kubernetesVersion: '1.29', provider: 'EKS', components: ['CoreDNS'] },
};

function errorOf(response: LightMyRequestResponse, status: number) {
  expect(response.statusCode, response.body).toBe(status);
  return (response.json() as { error: { code: string; message: string; details?: { field: string; message: string }[] } }).error;
}

describe.each(inject('databases'))('reports on $name', ({ url }) => {
  let harness: ReportsHarness;
  const post = (path: string, payload: unknown, headers: Record<string, string> = {}) =>
    harness.app.inject({ method: 'POST', url: path, headers, payload: payload as object });
  const get = (path: string, headers: Record<string, string> = {}) => harness.app.inject({ method: 'GET', url: path, headers });
  const file = (key: string, body: object) => post('/api/reports', body, { 'idempotency-key': key });
  const rowsWithKey = async (key: string) => harness.database.db.select().from(reports).where(eq(reports.idempotencyKey, key));

  beforeAll(async () => {
    harness = await startReportsHarness({ databaseUrl: url, temporalAddress: inject('temporalAddress') });
  });
  afterAll(async () => harness?.close());

  it('keeps a draft by its key, submits it once, and never lists a draft', async () => {
    const key = `k-${randomUUID()}`;
    expect(errorOf(await post('/api/reports', DNS_REPORT), 400).message).toMatch(/idempotency-key/);
    const draft = await file(key, { title: 'DNS down', draft: true });
    expect(draft.statusCode, draft.body).toBe(201);
    const { id } = draft.json() as { id: string };
    expect(draft.json()).toEqual({ id, status: 'draft' });
    errorOf(await get(`/api/reports/${id}`), 404);

    const refused = errorOf(await file(key, { whatFailed: 'CoreDNS died' }), 400);
    expect(refused.details?.map((d) => d.field)).toEqual([
      'impact',
      'detection',
      'trigger',
      'timeline',
      'environment.kubernetesVersion',
      'environment.provider',
      'environment.components',
    ]);
    // Refused whole: the draft is as it was.
    expect((await rowsWithKey(key))[0]).toMatchObject({ status: 'draft', whatFailed: '', title: 'DNS down' });

    const submitted = await file(key, DNS_REPORT);
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json()).toEqual({ id, status: 'submitted' });
    const again = await file(key, { ...DNS_REPORT, title: 'changed after submission' });
    expect(again.json()).toEqual({ id, status: 'submitted' });
    expect(await rowsWithKey(key)).toHaveLength(1);
    expect((await rowsWithKey(key))[0]!.title).toBe(DNS_REPORT.title);
  });

  it('files one report for a submission sent five times at once', async () => {
    const key = `k-${randomUUID()}`;
    const responses = await Promise.all(Array.from({ length: 5 }, () => file(key, DNS_REPORT)));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => (r.json() as { id: string }).id)).size).toBe(1);
    expect(await rowsWithKey(key)).toHaveLength(1);
  });

  it('refuses empty, huge and unknown fields with the field named', async () => {
    const key = `k-${randomUUID()}`;
    const huge = errorOf(await file(key, { ...DNS_REPORT, impact: 'x'.repeat(9000) }), 400);
    expect(huge.details?.[0]?.field).toBe('impact');
    const unknown = errorOf(await file(key, { ...DNS_REPORT, severity: 'high' }), 400);
    expect(unknown.details?.[0]?.field).toBe('severity');
    const empty = errorOf(await file(key, { ...DNS_REPORT, title: '   ' }), 400);
    expect(empty.details?.map((d) => d.field)).toEqual(['title']);
    const badLink = errorOf(await file(key, { ...DNS_REPORT, links: ['javascript:alert(1)'] }), 400);
    expect(badLink.details?.[0]?.field).toBe('links.0');
    expect(await rowsWithKey(key)).toHaveLength(0);
  });

  it('lets a reviewer categorise with suggested tags, merge a duplicate and publish, all audited', async () => {
    const first = (await file(`k-${randomUUID()}`, { ...DNS_REPORT, links: ['https://example.com/a'] })).json() as { id: string };
    const second = (
      await file(`k-${randomUUID()}`, { ...DNS_REPORT, title: 'CoreDNS OOM again', links: ['https://example.com/b'] })
    ).json() as { id: string };

    const report = (await get(`/api/reports/${first.id}`)).json() as ReportDto;
    expect(report.status).toBe('submitted');
    // A taxonomy to start from: one layer (the text names DNS and OOM kills), symptoms, one trigger (the peak).
    expect(report.suggestedTags.filter((t) => (LAYERS as readonly string[]).includes(t))).toHaveLength(1);
    expect(report.suggestedTags).toEqual(expect.arrayContaining(['errors', 'load']));
    expect(taxonomyProblems(report.suggestedTags)).toEqual([]);
    // Similar: the other reports of this failure (filed above), then the seed post-mortem of it, with why.
    const seed = report.similar.find((s) => s.id.startsWith('pm-'));
    expect(seed).toMatchObject({ kind: 'report', id: 'pm-zalando-coredns-oom' });
    expect(seed!.reasons.join(' ')).toMatch(/shared components: coredns/);
    expect(report.similar.some((s) => s.kind === 'scenario' && s.id.endsWith('oom-killed'))).toBe(true);

    errorOf(await post(`/api/reports/${first.id}/review`, { status: 'published' }), 401);
    const untagged = errorOf(await post(`/api/reports/${first.id}/review`, { status: 'published' }, REVIEWER), 400);
    expect(untagged.message).toMatch(/layer/);
    const published = await post(
      `/api/reports/${first.id}/review`,
      { status: 'published', tags: ['network', 'errors', 'load', 'dns'], scenarioId: 'cart-oom-killed' },
      REVIEWER,
    );
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({
      status: 'published',
      tags: ['network', 'errors', 'load', 'dns'],
      scenarioId: 'cart-oom-killed',
    });

    errorOf(await post(`/api/reports/${second.id}/review`, { status: 'duplicate', duplicateOf: second.id }, REVIEWER), 400);
    errorOf(
      await post(
        `/api/reports/${second.id}/review`,
        { status: 'published', scenarioId: 'no-such-scenario', tags: ['network', 'errors', 'load'] },
        REVIEWER,
      ),
      400,
    );
    const merged = await post(`/api/reports/${second.id}/review`, { status: 'duplicate', duplicateOf: first.id }, REVIEWER);
    expect(merged.statusCode, merged.body).toBe(200);
    const original = (await get(`/api/reports/${first.id}`)).json() as ReportDto;
    expect(original.links).toEqual(['https://example.com/a', 'https://example.com/b']);
    expect(original.duplicates).toEqual([second.id]);
    // A duplicate is no longer offered as similar.
    expect(original.similar.map((s) => s.id)).not.toContain(second.id);

    const audit = (await get(`/api/reports/${first.id}/audit`, REVIEWER)).json() as { actor: string; action: string }[];
    expect(audit.map((a) => `${a.actor}: ${a.action}`)).toEqual([
      'reporter: submitted',
      'reviewer: reviewed: published',
      `reviewer: merged duplicate ${second.id}`,
    ]);
    errorOf(await get(`/api/reports/${first.id}/audit`), 401);

    const listed = (await get('/api/reports?tag=dns')).json() as { id: string }[];
    expect(listed.map((r) => r.id)).toContain(first.id);
    const searched = (await get('/api/reports?q=coredns')).json() as { id: string }[];
    expect(searched.map((r) => r.id)).toEqual(expect.arrayContaining([first.id, 'pm-zalando-coredns-oom']));
    errorOf(await get('/api/reports?status=submitted'), 401);
    expect((await get('/api/reports?status=duplicate', REVIEWER)).json()).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: second.id })]),
    );
  });

  it('attaches remediations as kubectl commands, once per key', async () => {
    const report = 'pm-omio-cpu-throttling';
    const bad = errorOf(await post(`/api/reports/${report}/remediations`, { summary: 'fix', commands: ['rm -rf /'] }), 400);
    expect(bad.details?.[0]?.field).toBe('commands.0');
    const key = { 'idempotency-key': `r-${randomUUID()}` };
    const body = { summary: 'Remove the CPU limit', commands: ['kubectl set resources deployment storefront --limits=cpu=0'] };
    const created = await post(`/api/reports/${report}/remediations`, body, key);
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as { id: string };
    expect((await post(`/api/reports/${report}/remediations`, body, key)).json()).toEqual({ id });
    expect((await get(`/api/remediations/${id}`)).json()).toMatchObject({
      id,
      reportId: report,
      status: 'unverified',
      commands: body.commands,
    });
    const page = (await get(`/api/reports/${report}`)).json() as ReportDto;
    expect(page.remediations.map((r) => r.id)).toContain(id);
    expect(page.similar.slice(0, 3).map((s) => s.id)).toEqual(expect.arrayContaining(['storefront-cpu-throttled', 'pm-buffer-cpu-limits']));
  });
});
