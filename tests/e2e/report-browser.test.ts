// Failure reports in a real browser against the real API and database (PGlite): a person files a report with the
// required fields only (the draft survives a reload), a reviewer signs in, categorises it with the suggested tags,
// links the scenario and publishes it, and the report page lists similar reports and the matching scenario.
// The report page says how the failure behaved. Text is shown as text: markup a reporter types is never rendered, on
// the report page, the list, the review queue or the similar list.
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../infra/lib/ports.ts';
import { launchBrowser, waitForText } from '../support/browser.ts';
import { minimalReport, REVIEWER, startReportsHarness, type ReportsHarness } from '../support/reports-harness.ts';
import { startWebServer, type WebServer } from '../support/web-server.ts';

const RESULTS = join(import.meta.dirname, '../../test-results');

describe('failure reports in the browser', () => {
  let harness: ReportsHarness;
  let web: WebServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  /** Anything the browser reported blocking under the site's Content-Security-Policy: the policy must break nothing. */
  let cspViolations: string[] = [];

  beforeAll(async () => {
    const database = inject('databases').find((db) => db.name === 'pglite');
    if (!database) throw new Error('the global setup provides no pglite database');
    const [apiPort, webPort] = [await freePort(), await freePort()];
    harness = await startReportsHarness({
      databaseUrl: database.url,
      temporalAddress: inject('temporalAddress'),
      env: { WEB_ORIGIN: `http://127.0.0.1:${webPort}` },
    });
    await harness.app.listen({ port: apiPort, host: '127.0.0.1' });
    [web, browser] = await Promise.all([
      startWebServer({ apiUrl: `http://127.0.0.1:${apiPort}`, port: webPort, logFile: join(RESULTS, 'e2e-reports-web.log') }),
      launchBrowser(),
    ]);
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    expect(cspViolations).toEqual([]);
    cspViolations = [];
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await harness?.close();
  });

  async function newPage(): Promise<Page> {
    context = await browser.newContext({ baseURL: web.url, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    return page;
  }

  it('a person files a report, a reviewer publishes it, the page shows similar reports and the scenario', async () => {
    const page = await newPage();
    await page.goto('/reports/new', { waitUntil: 'networkidle' });
    const fields = {
      title: 'Checkout API slow although CPU use is low',
      whatFailed:
        'p99 latency of checkout tripled; container_cpu_cfs_throttled_seconds is high although average CPU is far below the limit. <b>not bold</b>',
      impact: 'Slow checkout for all users during the evening.',
      detection: 'Latency alert on the checkout SLO.',
      trigger: 'New CPU limits rolled out in the morning.',
      timeline: '08:00 limits change; 18:00 latency alert; 18:40 throttling found.',
      kubernetesVersion: '1.30',
      provider: 'GKE',
      components: 'CPU limits, CFS',
    };
    for (const [name, value] of Object.entries(fields)) await page.locator(`[name="${name}"]`).fill(value);
    // The draft lives in this browser: a reload brings every field back.
    await page.reload({ waitUntil: 'networkidle' });
    await page.getByTestId('draft-restored').waitFor();
    expect(await page.locator('[name="title"]').inputValue()).toBe(fields.title);
    expect(await page.locator('[name="components"]').inputValue()).toBe(fields.components);

    await page.getByTestId('submit-report').click();
    await page.waitForURL(/\/reports\/[^/]+\?filed=1$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
    await waitForText(page.getByTestId('report-status'), 'submitted');
    // Typed markup is text on the page.
    expect(await page.getByTestId('report').locator('b').count()).toBe(0);
    await expect.poll(() => page.getByTestId('report').textContent()).toContain('<b>not bold</b>');
    // Filed: the browser's draft is gone.
    await page.goto('/reports/new', { waitUntil: 'networkidle' });
    expect(await page.locator('[name="title"]').inputValue()).toBe('');

    // The reviewer signs in, finds it in the queue and publishes it with the suggested tags and scenario.
    await page.goto('/reports/review');
    await page.locator('[name="token"]').fill('reviewer-test-token');
    await page.getByTestId('reviewer-sign-in').click();
    await page.getByTestId('review-queue').getByText(fields.title).click();
    await page.getByTestId('review-form').waitFor();
    expect(await page.locator('[data-tag="capacity"]').isChecked()).toBe(true);
    expect(await page.locator('[data-tag="latency"]').isChecked()).toBe(true);
    await page.locator('[data-tag="change"]').check();
    expect(await page.getByTestId('scenario-select').inputValue()).toBe('storefront-cpu-throttled');
    await page.getByTestId('publish').click();
    await page.waitForURL(`**/reports/${encodeURIComponent(id)}`);

    await waitForText(page.getByTestId('report-status'), 'published');
    expect(await page.getByTestId('matching-scenario').textContent()).toContain(
      harness.deps.library.scenarios.get('storefront-cpu-throttled')!.spec.title,
    );
    const similarReports = await page.getByTestId('similar-report').evaluateAll((items) => items.map((i) => i.getAttribute('data-id')));
    expect(similarReports).toEqual(expect.arrayContaining(['pm-omio-cpu-throttling', 'pm-buffer-cpu-limits']));
    expect(await page.getByTestId('similar-scenario').first().getAttribute('data-id')).toBe('storefront-cpu-throttled');
    expect(await page.getByTestId('similar').textContent()).toMatch(/shared tags: .*capacity/);
    // Linked to the scenario, the report behaves as it does: the page says how, and the scenario is similar by it.
    expect(await page.getByTestId('behaviour').textContent()).toMatch(/fix set-resources deployment/);
    expect(await page.getByTestId('similar').textContent()).toMatch(/shared behaviour: .*fix set-resources deployment/);

    // Published: listed for everyone.
    await page.goto('/reports?q=throttled');
    expect(await page.getByTestId('report-list').textContent()).toContain(fields.title);
  });

  it('shows markup typed into reports as text on the list, the review queue and the similar list', async () => {
    const marker = 'Gateway 502s';
    const titles = [
      `${marker} <img src=x onerror="window.__xss = 1"> after deploy`,
      `${marker} <script>window.__xss = 2</script> after deploy`,
    ];
    const ids: string[] = [];
    for (const title of titles) {
      const filed = await harness.app.inject({
        method: 'POST',
        url: '/api/reports',
        headers: { 'idempotency-key': `k-${crypto.randomUUID()}` },
        payload: { ...minimalReport(title, ['gateway']), whatFailed: `<b>${title}</b>: every request through the gateway failed.` },
      });
      ids.push((filed.json() as { id: string }).id);
    }
    const published = await harness.app.inject({
      method: 'POST',
      url: `/api/reports/${ids[0]}/review`,
      headers: REVIEWER,
      payload: { status: 'published', tags: ['service-routing', 'errors', 'change'] },
    });
    expect(published.statusCode, published.body).toBe(200);
    const page = await newPage();
    const injected = () => page.evaluate(() => (globalThis as { __xss?: number }).__xss);

    await page.goto(`/reports?q=${encodeURIComponent(marker)}`, { waitUntil: 'networkidle' });
    expect(await page.getByTestId('report-list').textContent()).toContain(titles[0]);
    expect(await page.getByTestId('report-list').locator('img').count()).toBe(0);

    await page.goto(`/reports/${encodeURIComponent(ids[0]!)}`, { waitUntil: 'networkidle' });
    expect(await page.getByTestId('report-title').textContent()).toBe(titles[0]);
    // The other report (waiting for review) is similar, its title shown as typed.
    expect(await page.getByTestId('similar').textContent()).toContain(titles[1]);
    expect(await page.getByTestId('report').locator('img, b, [data-testid="similar"] script').count()).toBe(0);

    await page.goto('/reports/review');
    await page.locator('[name="token"]').fill('reviewer-test-token');
    await page.getByTestId('reviewer-sign-in').click();
    expect(await page.getByTestId('review-queue').textContent()).toContain(titles[1]);
    expect(await page.getByTestId('review-queue').locator('img, script').count()).toBe(0);
    expect(await injected()).toBeUndefined();
  });
});
