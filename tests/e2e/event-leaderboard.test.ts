// An event at a booth, in a real browser against the real stack: the big-screen leaderboard is open, a
// participant joins from the event's catalog with their badge, repairs the scenario with the real kubectl,
// and the leaderboard shows them (name from the badge scan, solved 1/1, the all-solved badge) without a reload.
// Then the result page: the breakdown with its formula, the replay stepped with the keyboard, the postmortem.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../infra/lib/ports.ts';
import { launchBrowser, waitForText } from '../support/browser.ts';
import { kubectl } from '../support/session-client.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { startWebServer, type WebServer } from '../support/web-server.ts';

const ROOT = join(import.meta.dirname, '../..');
const RESULTS = join(ROOT, 'test-results');
const SCREENSHOTS = join(RESULTS, 'screenshots');
const OPERATOR = { authorization: 'Bearer operator-test-token' };
const EVENT_ID = `kubecon-${Date.now().toString(36)}`;

describe('an event leaderboard on the big screen', () => {
  let harness: Harness;
  let web: WebServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const downloads = mkdtempSync(join(tmpdir(), 'fl-e2e-event-'));

  beforeAll(async () => {
    const database = inject('databases').find((db) => db.name === 'pglite');
    if (!database) throw new Error('the global setup provides no pglite database');
    const [apiPort, webPort] = [await freePort(), await freePort()];
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: database.url,
      env: { WEB_ORIGIN: `http://127.0.0.1:${webPort}` },
    });
    await harness.app.listen({ port: apiPort, host: '127.0.0.1' });
    [web, browser] = await Promise.all([
      startWebServer({ apiUrl: `http://127.0.0.1:${apiPort}`, port: webPort, logFile: join(RESULTS, 'e2e-event-web.log') }),
      launchBrowser(),
    ]);
    mkdirSync(SCREENSHOTS, { recursive: true });
    const hour = 3600_000;
    const event = await harness.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: OPERATOR,
      payload: {
        id: EVENT_ID,
        name: 'KubeCon Booth',
        startsAt: new Date(Date.now() - hour).toISOString(),
        endsAt: new Date(Date.now() + hour).toISOString(),
        scenarioIds: ['storefront-scaled-to-zero'],
      },
    });
    expect(event.statusCode, event.body).toBe(201);
    const badge = await harness.app.inject({
      method: 'POST',
      url: `/api/events/${EVENT_ID}/participants`,
      headers: OPERATOR,
      payload: { badgeId: 'KC-0042', name: 'Grace Hopper' },
    });
    expect(badge.statusCode, badge.body).toBe(201);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await web?.stop();
    await harness?.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ baseURL: web.url, acceptDownloads: true, viewport });
    context.setDefaultTimeout(30_000);
    contexts.push(context);
    return context.newPage();
  }

  it('updates live when a participant completes a session', async () => {
    const board = await newPage({ width: 1600, height: 900 });
    await board.goto(`/events/${EVENT_ID}`, { waitUntil: 'networkidle' });
    await waitForText(board.getByTestId('event-name'), 'KubeCon Booth');
    await board.getByTestId('leaderboard-empty').waitFor();
    await board.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    // The participant: the event's catalog shows only its scenarios, no mode switch, and asks for the badge.
    const page = await newPage();
    await page.goto(`/?event=${EVENT_ID}`, { waitUntil: 'networkidle' });
    await page.getByTestId('event-banner').waitFor();
    expect(await page.getByTestId('mode-learn').count()).toBe(0);
    const cards = page.getByTestId('catalog-scenario');
    // Under the event's own codename, which is neither the open catalog's nor the library's nickname.
    expect(await cards.evaluateAll((items) => items.map((item) => item.getAttribute('data-scenario-id')))).toEqual([
      harness.challengeId('storefront-scaled-to-zero', EVENT_ID),
    ]);
    const catalogHtml = await page.content();
    const spec = harness.library.scenarios.get('storefront-scaled-to-zero')!.spec;
    for (const secret of ['storefront-scaled-to-zero', spec.title, spec.codename, harness.challengeId('storefront-scaled-to-zero')])
      expect(catalogHtml).not.toContain(secret);
    const choose = page.locator('[data-testid="catalog-scenario"] button');
    for (let attempt = 0; (await choose.getAttribute('aria-pressed')) !== 'true'; attempt += 1) {
      if (attempt === 20) throw new Error('choosing the scenario had no effect');
      if (attempt > 0) await page.waitForTimeout(500);
      await choose.click();
    }
    const form = page.getByTestId('create-session-form');
    expect(await form.locator('#badgeId').getAttribute('required')).not.toBeNull();
    expect(await form.locator('#name').count()).toBe(0);

    // An unregistered badge is refused with a clear message; the registered one gets in.
    await form.locator('#badgeId').fill('KC-9999');
    await form.locator('button[type="submit"]').click();
    await waitForText(form.locator('[role="alert"]'), /not registered/);
    await form.locator('#badgeId').fill('KC-0042');
    await form.locator('button[type="submit"]').click();
    await page.waitForURL(/\/sessions\/[^/]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');

    await waitForText(page.getByTestId('session-phase'), 'ready', 90_000);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('kubeconfig-link').click()]);
    const kubeconfig = join(downloads, `${id}.kubeconfig`);
    await download.saveAs(kubeconfig);
    await page.getByTestId('start-button').click();
    await waitForText(page.getByTestId('session-phase'), 'running', 60_000);
    const fix = await kubectl(kubeconfig, ['scale', 'deployment/storefront', '--replicas=2']);
    expect(fix.ok, fix.out).toBe(true);
    await page.waitForURL(`**/sessions/${encodeURIComponent(id)}/result`, { timeout: 90_000 });
    const score = Number((await waitForText(page.getByTestId('result-score'), /\d/)).match(/\d+/)?.[0]);

    // The big screen picked it up by itself.
    const row = board.getByTestId('leaderboard-row');
    await row.first().waitFor({ timeout: 15_000 });
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId('leaderboard-name').textContent()).toBe('Grace Hopper');
    expect(await row.getByTestId('leaderboard-solved').textContent()).toBe('1/1');
    expect(Number(await row.getByTestId('leaderboard-total').textContent())).toBe(score);
    await row.getByTestId('solved-all').waitFor();
    expect(await board.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await board.screenshot({ path: join(SCREENSHOTS, 'event-leaderboard.png') });

    // The result page: breakdown with the formula, a steppable replay, the postmortem draft.
    expect(Number(await page.getByTestId('breakdown-total').textContent())).toBe(score);
    expect(await page.getByTestId('score-formula').textContent()).toContain('score = max(100, 1000');
    await waitForText(page.getByTestId('replay-position'), /^Step 1 of \d+$/);
    await page.keyboard.press('ArrowRight');
    await waitForText(page.getByTestId('replay-position'), /^Step 2 of \d+$/);
    await page.getByTestId('replay-next').click();
    await waitForText(page.getByTestId('replay-position'), /^Step 3 of \d+$/);
    const [postmortem] = await Promise.all([page.waitForEvent('download'), page.getByTestId('postmortem-link').click()]);
    const file = join(downloads, 'postmortem.md');
    await postmortem.saveAs(file);
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toContain('## Root cause');
    expect(markdown).toContain(harness.library.scenarios.get('storefront-scaled-to-zero')!.spec.rootCause);
    await page.screenshot({ path: join(SCREENSHOTS, 'result-breakdown.png'), fullPage: true });
    // The README's pictures are refreshed on request only, so a test run leaves the checkout as it was.
    if (process.env.FL_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
      copyFileSync(join(SCREENSHOTS, 'event-leaderboard.png'), join(ROOT, 'docs/screenshots/event-leaderboard.png'));
    }
  });
});
