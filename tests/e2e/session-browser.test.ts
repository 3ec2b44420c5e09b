// The participant's journey in a real browser against the real stack: website (the production build served by
// node, as `infra/up.sh --prod` runs it; its own forms pass SvelteKit's origin check on plain http), API, worker,
// Temporal, the simulated cluster and PGlite. Nothing is mocked; the repair is done with the real kubectl.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../infra/lib/ports.ts';
import { launchBrowser, waitForText } from '../support/browser.ts';
import { kubectl } from '../support/session-client.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { startWebServer, type WebServer } from '../support/web-server.ts';

const ROOT = join(import.meta.dirname, '../..');
const RESULTS = join(ROOT, 'test-results');
const SCREENSHOTS = join(RESULTS, 'screenshots');
const README_SCREENSHOTS = join(ROOT, 'docs/screenshots');
const SCENARIO = 'storefront-scaled-to-zero';

describe('a participant in the browser', () => {
  let harness: Harness;
  let web: WebServer;
  let browser: Browser;
  let apiUrl: string;
  let context: BrowserContext | undefined;
  /** Anything the browser reported blocking under the site's Content-Security-Policy: the policy must break nothing. */
  let cspViolations: string[] = [];
  const downloads = mkdtempSync(join(tmpdir(), 'fl-e2e-downloads-'));

  beforeAll(async () => {
    const database = inject('databases').find((db) => db.name === 'pglite');
    if (!database) throw new Error('the global setup provides no pglite database');
    const [apiPort, webPort] = [await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: database.url,
      env: { WEB_ORIGIN: `http://127.0.0.1:${webPort}` },
    });
    await harness.app.listen({ port: apiPort, host: '127.0.0.1' });
    [web, browser] = await Promise.all([startWebServer({ apiUrl, port: webPort, logFile: join(RESULTS, 'e2e-web.log') }), launchBrowser()]);
    mkdirSync(SCREENSHOTS, { recursive: true });
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
    rmSync(downloads, { recursive: true, force: true });
  });

  async function newPage(): Promise<Page> {
    context = await browser.newContext({ baseURL: web.url, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  /** Screenshot of one element (the charts card), for the README. */
  async function screenshotOf(element: Locator, name: string): Promise<void> {
    await element.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  }

  /**
   * Pixels of the chart's canvas painted in the red-span shade (the chart's --chart-red, opaque): how much of
   * the plot uPlot shaded red. 0 when nothing is shaded, -1 when no canvas was drawn.
   */
  async function redShadedPixels(chart: Locator): Promise<number> {
    return chart.evaluate((figure) => {
      const canvas = figure.querySelector('canvas');
      if (!canvas || canvas.width === 0) return -1;
      const probe = figure.ownerDocument.createElement('canvas').getContext('2d')!;
      probe.fillStyle = figure.ownerDocument.defaultView!.getComputedStyle(figure).getPropertyValue('--chart-red').trim();
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let shaded = 0;
      for (let i = 0; i < data.length; i += 4)
        if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) shaded += 1;
      return shaded;
    });
  }

  /** Pixels of the canvas that are drawn at all (not transparent): the axes, grid and lines. */
  async function drawnPixels(chart: Locator): Promise<number> {
    return chart.evaluate((figure) => {
      const canvas = figure.querySelector('canvas');
      if (!canvas || canvas.width === 0) return 0;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let drawn = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) drawn += 1;
      return drawn;
    });
  }

  /** Fills the catalog's "Start a session" form for the chosen card and waits for the session page. */
  async function createSession(page: Page, scenarioId: string, name: string): Promise<string> {
    // The server sends the page before its scripts have hydrated it: click until the choice took.
    const choose = page.locator(`[data-testid="catalog-scenario"][data-scenario-id="${scenarioId}"] button`);
    for (let attempt = 0; (await choose.getAttribute('aria-pressed')) !== 'true'; attempt += 1) {
      if (attempt === 20) throw new Error(`choosing ${scenarioId} in the catalog had no effect`);
      if (attempt > 0) await page.waitForTimeout(500);
      await choose.click();
    }
    const form = page.getByTestId('create-session-form');
    await form.locator('#systemId').selectOption('demo-app');
    await form.locator('#name').fill(name);
    await form.locator('button[type="submit"]').click();
    await page.waitForURL(/\/sessions\/[^/]+$/);
    return decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
  }

  it('Learn mode: creates a session, breaks it, repairs it with kubectl and shows the result', async () => {
    const page = await newPage();
    const catalog = await page.goto('/', { waitUntil: 'networkidle' });
    await page.getByTestId('catalog-scenario').first().waitFor();
    await screenshot(page, 'catalog');
    // Scripts from the site only (SvelteKit's inline ones by nonce), never in a frame, no sniffing.
    const headers = catalog!.headers();
    expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+'/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("object-src 'none'");
    // The API the site was started with (not built with) is where the page may open its live socket.
    expect(headers['content-security-policy']).toContain(`connect-src 'self' ${apiUrl} ${apiUrl.replace('http:', 'ws:')}`);
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('same-origin');
    expect(headers['access-control-allow-origin']).toBeUndefined();
    // The Learn catalog names no Challenge codename.
    const html = await page.content();
    for (const scenario of harness.library.scenarios.values()) expect(html).not.toContain(harness.identities.challenge(scenario).codename);

    const id = await createSession(page, SCENARIO, 'Browser Participant');
    expect(id).not.toBe('');
    await waitForText(page.getByTestId('session-phase'), 'ready', 90_000);
    await waitForText(page.getByTestId('sla-status'), /green$/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('kubeconfig-link').click()]);
    const kubeconfig = join(downloads, `${id}.kubeconfig`);
    await download.saveAs(kubeconfig);
    await screenshot(page, 'session-ready');

    await page.getByTestId('start-button').click();
    await waitForText(page.getByTestId('session-phase'), 'running', 60_000);
    await waitForText(page.getByTestId('sla-status'), /red$/, 30_000);
    // The live chart of the broken objective follows: drawn, with the red span shaded, and said in words.
    const liveChart = page.locator('[data-testid="sla-chart"][data-objective="storefront-reachable"]');
    await expect.poll(() => redShadedPixels(liveChart), { timeout: 30_000, interval: 500 }).toBeGreaterThan(50);
    // …and keeps moving while the session runs: the red span grows with every poll of the series.
    const shadedFirst = await redShadedPixels(liveChart);
    await expect.poll(() => redShadedPixels(liveChart), { timeout: 30_000, interval: 500 }).toBeGreaterThan(shadedFirst);
    expect(await drawnPixels(liveChart)).toBeGreaterThan(1000);
    expect(await liveChart.getByTestId('sla-chart-summary').innerText()).toMatch(
      /^storefront-reachable: red for \d+ s in 1 span, red now;/,
    );
    // Objectives that stayed green have a chart without shading.
    const greenChart = page.locator('[data-testid="sla-chart"][data-objective="catalog-reachable"]');
    expect(await redShadedPixels(greenChart)).toBe(0);
    await screenshot(page, 'session-running');
    await screenshotOf(page.getByTestId('sla-charts'), 'session-sla-chart');

    const broken = await kubectl(kubeconfig, ['get', 'deployment', 'storefront', '-o', 'jsonpath={.spec.replicas}']);
    expect(broken).toEqual({ ok: true, out: '0' });
    const fix = await kubectl(kubeconfig, ['scale', 'deployment/storefront', '--replicas=2']);
    expect(fix.ok, fix.out).toBe(true);

    // No reload, no click: the live page follows the session to its result.
    await page.waitForURL(`**/sessions/${encodeURIComponent(id)}/result`, { timeout: 90_000 });
    const score = await waitForText(page.getByTestId('result-score'), /\d/);
    expect(Number(score.match(/\d+/)?.[0])).toBeGreaterThan(0);
    const steps = page.getByTestId('replay-step');
    await steps.first().waitFor();
    const kinds = await steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')));
    expect(kinds).toContain('phase');
    expect(kinds).toContain('sla');
    // The participant's own fix, as the gateway recorded it, with what it changed.
    expect(kinds).toContain('kube');
    const texts = await steps.allInnerTexts();
    expect(texts.join('\n')).toMatch(/kubectl scale deployment\/storefront.*0→2/);
    // The result's chart: the red span from the fault to the repair, the participant's kubectl steps numbered on it.
    const resultChart = page.locator('[data-testid="sla-chart"][data-objective="storefront-reachable"]');
    await expect.poll(() => redShadedPixels(resultChart), { timeout: 15_000, interval: 250 }).toBeGreaterThan(50);
    expect(await resultChart.getByTestId('sla-chart-summary').innerText()).toMatch(
      /^storefront-reachable: red for \d+ s in 1 span; latest reading 2/,
    );
    const chartSteps = await page.getByTestId('sla-chart-steps').locator('li').allInnerTexts();
    expect(chartSteps.join('\n')).toMatch(/kubectl scale deployment\/storefront.*0→2/);
    await screenshot(page, 'result');
    await screenshotOf(page.getByTestId('sla-charts'), 'result-sla-chart');

    // The README's pictures are refreshed on request only, so a test run leaves the checkout as it was.
    if (process.env.FL_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(README_SCREENSHOTS, { recursive: true });
      for (const name of ['catalog', 'session-ready', 'session-running', 'result', 'session-sla-chart', 'result-sla-chart']) {
        copyFileSync(join(SCREENSHOTS, `${name}.png`), join(README_SCREENSHOTS, `${name}.png`));
      }
    }
  });

  it('Challenge mode: nothing the browser receives gives the scenario away, and giving up ends the session', async () => {
    const scenario = harness.library.scenarios.get(SCENARIO);
    if (!scenario) throw new Error(`the library has no ${SCENARIO}`);
    const secrets = [scenario.spec.title, scenario.spec.rootCause, SCENARIO, scenario.spec.codename];
    expect(scenario.spec.title).toBe('The storefront scaled to zero by an automation script');

    const page = await newPage();
    const seen: Promise<{ where: string; body: string }>[] = [];
    const ours = (url: string) => url.startsWith(web.url) || url.startsWith(apiUrl);
    page.on('response', (response) => {
      if (!ours(response.url())) return;
      seen.push(
        response.text().then(
          (body) => ({ where: `response ${response.url()}`, body }),
          () => ({ where: response.url(), body: '' }),
        ),
      );
    });
    page.on('websocket', (socket) => {
      socket.on('framereceived', ({ payload }) =>
        seen.push(Promise.resolve({ where: `websocket ${socket.url()}`, body: String(payload) })),
      );
    });
    const snapshot = async (label: string) => seen.push(Promise.resolve({ where: `page HTML (${label})`, body: await page.content() }));
    const leaks = async () => {
      const found: string[] = [];
      for (const { where, body } of await Promise.all(seen)) {
        for (const secret of secrets) if (body.includes(secret)) found.push(`${where} contains "${secret}"`);
      }
      return found;
    };

    await page.goto('/?mode=challenge', { waitUntil: 'networkidle' });
    expect(await page.getByTestId('mode-challenge').getAttribute('aria-current')).toBe('page');
    await page.getByTestId('catalog-scenario').first().waitFor();
    await snapshot('catalog');

    await createSession(page, harness.challengeId(SCENARIO), 'Challenger');
    await snapshot('provisioning');
    await waitForText(page.getByTestId('session-phase'), 'ready', 90_000);
    await snapshot('ready');
    await page.reload();
    await waitForText(page.getByTestId('connection-status'), 'Live'); // hydrated again, socket open
    await snapshot('ready, reloaded');
    expect(seen.length).toBeGreaterThan(4);
    expect(await leaks()).toEqual([]);

    // Another tab of the same browser opens a page on another origin (another port of this host: the same
    // site, so the session's SameSite cookie goes along) that posts the abandon form: refused, session intact.
    const sessionUrl = page.url();
    const attacker = await serveAttackerPage(
      `<form method="POST" action="${sessionUrl}?/abandon"><button id="go">Win a prize</button></form>`,
    );
    try {
      const tab = await context!.newPage();
      await tab.goto(attacker.url);
      const [answer] = await Promise.all([tab.waitForResponse((response) => response.url().startsWith(sessionUrl)), tab.click('#go')]);
      expect(answer.status()).toBe(403);
      // SvelteKit's own origin check, which the dev server skips, answers first in the build.
      expect(await answer.text()).toContain('Cross-site POST form submissions are forbidden');
      await tab.close();
    } finally {
      await attacker.close();
    }
    await page.waitForTimeout(1_000); // an abandon that got through would show within this
    await page.reload();
    await waitForText(page.getByTestId('session-phase'), 'ready');

    await page.getByTestId('abandon-button').click();
    await page.locator('dialog[open]').getByTestId('confirm-button').click();
    await page.getByTestId('session-exit').waitFor({ timeout: 60_000 });
    await waitForText(page.getByTestId('session-phase'), 'abandoned', 60_000);
    await snapshot('abandoned');
    expect(await leaks()).toEqual([]);
  });
});

/** A page on another origin of this host (a free port), as any local program or a rebound site could serve. */
async function serveAttackerPage(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the attacker page has no port');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
