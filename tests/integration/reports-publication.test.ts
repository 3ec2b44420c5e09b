// Publication on the real stack (Temporal dev server, PGlite): a webhook receiver that fails the first two
// deliveries gets the signed publication of a report exactly once, the delivery log says so, and publishing again
// delivers nothing more; the Atom feed (per tag and per system) validates against RFC 4287 and keeps markup inert.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { reviewReport } from '../../api/reports/report-store.ts';
import { atomEntries, atomProblems } from '../support/atom.ts';
import { minimalReport, OPERATOR, REVIEWER, startReportsHarness, type ReportsHarness } from '../support/reports-harness.ts';
import { startWebhooks, type Received } from '../support/webhook-receiver.ts';

const SECRET = 'a-subscriber-secret-of-some-length';

describe('publication of reports', () => {
  let harness: ReportsHarness;
  let webhooks: Awaited<ReturnType<typeof startWebhooks>>;
  let receiverUrl: string;
  let received: Received[];

  beforeAll(async () => {
    const database = inject('databases').find((db) => db.name === 'pglite')!;
    const taskQueue = `publications-${randomUUID()}`;
    harness = await startReportsHarness({
      databaseUrl: database.url,
      temporalAddress: inject('temporalAddress'),
      publicationTaskQueue: taskQueue,
      env: { WEB_ORIGIN: 'http://web.test' },
    });
    // Fails the first two deliveries (a receiver having a bad minute), then accepts.
    webhooks = await startWebhooks(inject('temporalAddress'), taskQueue, harness.database.db, (_request, before) =>
      before.length < 2 ? 503 : 200,
    );
    ({ received } = webhooks);
    receiverUrl = `${webhooks.url}/hook`;
  });

  afterAll(async () => {
    await webhooks?.close();
    await harness?.close();
  });

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    harness.app.inject({ method: 'POST', url, payload, headers });

  it('delivers the signed publication exactly once although the receiver fails twice', async () => {
    const bad = await post('/api/subscriptions', { url: 'file:///etc/passwd', secret: SECRET }, OPERATOR);
    expect(bad.statusCode).toBe(400);
    expect((await post('/api/subscriptions', { url: receiverUrl, secret: SECRET })).statusCode).toBe(401);
    const subscribed = await post('/api/subscriptions', { url: receiverUrl, secret: SECRET, tags: ['capacity'] }, OPERATOR);
    expect(subscribed.statusCode, subscribed.body).toBe(201);
    const { id: subscriberId } = subscribed.json() as { id: string };

    const title = 'Checkout throttled <script>alert(1)</script>';
    const filed = await post(
      '/api/reports',
      {
        title,
        whatFailed: 'CPU throttling from CFS quotas although average CPU use is low.',
        impact: 'Slow checkout.',
        detection: 'Latency alert.',
        trigger: 'New CPU limits.',
        timeline: 'Morning change, evening alert.',
        environment: { kubernetesVersion: '1.30', provider: 'GKE', components: ['CPU limits'] },
      },
      { 'idempotency-key': `k-${randomUUID()}` },
    );
    const { id } = filed.json() as { id: string };
    const review = { status: 'published', tags: ['capacity', 'latency', 'change'], scenarioId: 'storefront-cpu-throttled' };
    expect((await post(`/api/reports/${id}/review`, review, REVIEWER)).statusCode).toBe(200);
    // Published again (a second review): nothing new is delivered.
    expect((await post(`/api/reports/${id}/review`, review, REVIEWER)).statusCode).toBe(200);

    await expect.poll(() => received.filter((r) => r.status === 200).length, { timeout: 60_000, interval: 250 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(received.map((r) => r.status)).toEqual([503, 503, 200]);
    const accepted = received[2]!;
    expect(new Set(received.map((r) => r.delivery)).size).toBe(1);
    expect(accepted.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(accepted.body).digest('hex')}`);
    expect(accepted.body).not.toMatch(/[<>]/);
    const payload = JSON.parse(accepted.body) as { type: string; report: { id: string; title: string; url: string; tags: string[] } };
    expect(payload).toMatchObject({ type: 'report.published', report: { id, title, url: `http://web.test/reports/${id}` } });

    const log = (
      await harness.app.inject({ method: 'GET', url: `/api/subscriptions/${subscriberId}/deliveries`, headers: OPERATOR })
    ).json() as {
      publication: string;
      attempts: number;
      lastStatus: number;
      deliveredAt: string | null;
    }[];
    expect(log).toEqual([
      expect.objectContaining({ publication: `report-published:${id}`, attempts: 3, lastStatus: 200, deliveredAt: expect.any(String) }),
    ]);
  });

  it('keeps deliveries committed with a publication and starts them once when the outbox is resumed', async () => {
    const subscribed = await post('/api/subscriptions', { url: receiverUrl, secret: SECRET, tags: ['network'] }, OPERATOR);
    const { id: subscriberId } = subscribed.json() as { id: string };
    const filed = await post('/api/reports', minimalReport('DNS lookups time out after a CoreDNS rollout', ['CoreDNS']), {
      'idempotency-key': `k-${randomUUID()}`,
    });
    const { id } = filed.json() as { id: string };
    const publications = harness.deps.publications!;
    // The API dies right after the publishing transaction commits: no workflow was started.
    await reviewReport(
      harness.database.db,
      id,
      { status: 'published', tags: ['network', 'errors', 'change'] },
      'reviewer',
      () => true,
      publications.enqueue,
    );
    const deliveries = () =>
      harness.app
        .inject({ method: 'GET', url: `/api/subscriptions/${subscriberId}/deliveries`, headers: OPERATOR })
        .then((r) => r.json() as { attempts: number; deliveredAt: string | null }[]);
    expect(await deliveries()).toEqual([expect.objectContaining({ attempts: 0, deliveredAt: null })]);
    const before = received.length;
    // The restarted API resumes the outbox; a second resume (or a retry) starts nothing more.
    await publications.dispatch();
    await publications.dispatch();
    await expect.poll(async () => (await deliveries())[0]!.deliveredAt, { timeout: 30_000, interval: 250 }).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(received.slice(before).map((r) => r.status)).toEqual([200]);
    expect(JSON.parse(received[before]!.body)).toMatchObject({ type: 'report.published', report: { id } });
  });

  it('serves an Atom feed per tag and per system that validates and keeps markup inert', async () => {
    const all = await harness.app.inject({ method: 'GET', url: '/api/feed.atom' });
    expect(all.statusCode).toBe(200);
    expect(all.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(atomProblems(all.body)).toEqual([]);
    // The report titled with a script tag is in the feed as escaped text only.
    expect(all.body).not.toContain('<script>');
    expect(all.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(atomEntries(all.body).length).toBeGreaterThanOrEqual(30);

    const tagged = await harness.app.inject({ method: 'GET', url: '/api/feed.atom?tag=throttling' });
    expect(atomProblems(tagged.body)).toEqual([]);
    const entries = atomEntries(tagged.body);
    expect(entries.map((e) => e.id)).toEqual(expect.arrayContaining(['urn:failurelib:report:pm-omio-cpu-throttling']));
    expect(entries.every((e) => e.categories.includes('throttling'))).toBe(true);

    const system = await harness.app.inject({ method: 'GET', url: '/api/feed.atom?system=demo-app' });
    expect(atomProblems(system.body)).toEqual([]);
    const ids = atomEntries(system.body).map((e) => e.id);
    expect(ids).toContain('urn:failurelib:report:pm-omio-cpu-throttling');
    expect(ids).not.toContain('urn:failurelib:report:pm-civis-apiserver-overload');
    expect((await harness.app.inject({ method: 'GET', url: '/api/feed.atom?system=nope' })).statusCode).toBe(404);
    expect((await harness.app.inject({ method: 'GET', url: '/api/feed.atom?tag=<b>' })).statusCode).toBe(400);
  });
});
