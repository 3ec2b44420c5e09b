// Bad input to the reports API on the real database (PGlite and PostgreSQL), beside reports-api.test.ts: a body over
// the API's limit, a title over its limit, control characters and empty components get a clear error naming what is
// wrong and save nothing; markup is kept as the reporter typed it (pages, feed and webhooks escape it); the same
// failure filed twice under two keys is two reports, each listing the other first so a reviewer merges them.
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ReportDto } from '../../api/reports/report-contract.ts';
import { reports } from '../../db/schema.ts';
import { REPORT_TITLE_LIMIT } from '../../domain/report-terms.ts';
import { minimalReport, REVIEWER, startReportsHarness, type ReportsHarness } from '../support/reports-harness.ts';

interface ApiError {
  code: string;
  message: string;
  details?: { field: string; message: string }[];
}

describe.each(inject('databases'))('bad report input on $name', ({ url }) => {
  let harness: ReportsHarness;
  const file = (key: string, body: object) =>
    harness.app.inject({ method: 'POST', url: '/api/reports', headers: { 'idempotency-key': key }, payload: body });
  const saved = async (key: string) => harness.database.db.select().from(reports).where(eq(reports.idempotencyKey, key));
  const errorOf = (response: LightMyRequestResponse, status: number): ApiError => {
    expect(response.statusCode, response.body).toBe(status);
    return (response.json() as { error: ApiError }).error;
  };

  beforeAll(async () => {
    harness = await startReportsHarness({ databaseUrl: url, temporalAddress: inject('temporalAddress') });
  });
  afterAll(async () => harness?.close());

  it('refuses a body over the limit, an over-long title, control characters and blank components, saving nothing', async () => {
    const key = `k-${randomUUID()}`;
    const base = minimalReport('Checkout down');
    // One field past what the API takes in a whole body (64 KiB).
    const tooBig = errorOf(await file(key, { ...base, whatFailed: 'x'.repeat(70 * 1024) }), 413);
    expect(tooBig.message).toMatch(/too large/i);
    const longTitle = errorOf(await file(key, { ...base, title: 't'.repeat(REPORT_TITLE_LIMIT + 1) }), 400);
    expect(longTitle.details?.map((d) => d.field)).toEqual(['title']);
    const control = errorOf(await file(key, { ...base, whatFailed: 'nul \u0000 byte' }), 400);
    expect(control.details?.[0]?.field).toBe('whatFailed');
    const blank = errorOf(await file(key, { ...base, environment: { ...base.environment, components: ['  '] } }), 400);
    expect(blank.details?.map((d) => d.field)).toEqual(['environment.components']);
    expect(await saved(key)).toEqual([]);
    // The same key then files the report as it should be: the refusals held nothing back.
    expect((await file(key, base)).statusCode).toBe(201);
  });

  it('keeps markup as typed: the API returns it as text for pages, the feed and webhooks to escape', async () => {
    const title = 'Checkout <script>alert(1)</script> & <img src=x onerror=alert(2)>';
    const created = await file(`k-${randomUUID()}`, minimalReport(title));
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as { id: string };
    const report = (await harness.app.inject({ method: 'GET', url: `/api/reports/${id}` })).json() as ReportDto;
    expect(report.title).toBe(title);
  });

  it('files the same failure sent under two keys as two reports that list each other first, and merges them', async () => {
    const body = {
      ...minimalReport('Ingress controller pods evicted during node drain', ['ingress-nginx']),
      whatFailed: 'Every ingress-nginx replica ran on the drained node, so all external traffic failed for 12 minutes.',
    };
    const [a, b] = await Promise.all([file(`k-${randomUUID()}`, body), file(`k-${randomUUID()}`, body)]);
    const first = (a.json() as { id: string }).id;
    const second = (b.json() as { id: string }).id;
    expect(first).not.toBe(second);
    const page = (await harness.app.inject({ method: 'GET', url: `/api/reports/${second}` })).json() as ReportDto;
    expect(page.similar[0]).toMatchObject({ kind: 'report', id: first });
    expect(page.similar[0]!.reasons.join(' ')).toMatch(/shared components: ingressnginx/);
    const merged = await harness.app.inject({
      method: 'POST',
      url: `/api/reports/${second}/review`,
      headers: REVIEWER,
      payload: { status: 'duplicate', duplicateOf: first },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const original = (await harness.app.inject({ method: 'GET', url: `/api/reports/${first}` })).json() as ReportDto;
    expect(original.duplicates).toEqual([second]);
    expect(original.similar.map((s) => s.id)).not.toContain(second);
  });
});
