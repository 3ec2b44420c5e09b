// The website's first page load in Chromium: the production build (`node web/production-server.ts`, as the image
// and `infra/up.sh --prod` run it) against Vite's dev server (`infra/up.sh`), both on the same API. Each load is a
// fresh browser context (empty cache), so every byte of the catalog page is transferred.
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { freePort } from '../infra/lib/ports.ts';
import { startProcess, waitUntil, type ManagedProcess } from '../infra/lib/processes.ts';
import { ROOT } from '../infra/lib/tools.ts';
import { websiteArgs } from '../infra/stack/mode.ts';
import { launchBrowser } from '../tests/support/browser.ts';
import { startWebServer } from '../tests/support/web-server.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { metric } from './lib/result.ts';
import { startServices } from './lib/stack.ts';

interface Load {
  /** Bytes on the wire (headers and encoded bodies), by CDP resource type. */
  documentBytes: number;
  scriptBytes: number;
  totalBytes: number;
  requests: number;
  /** From navigation start until a click on the catalog's first "choose" button is handled (the page is hydrated). */
  interactiveMs: number;
  loadEventMs: number;
  /** From navigation start until the HTML's first byte (server-side rendering, which waits on the API). */
  firstByteMs: number;
}

// Runs in the page before its own scripts: clicks the first scenario's choose button every 5 ms until the click
// is handled (aria-pressed turns true: Svelte has hydrated the page) and records when, from navigation start.
const INTERACTIVE_PROBE = `(() => {
  const timer = setInterval(() => {
    const button = document.querySelector('[data-testid="catalog-scenario"] button');
    if (!button) return;
    if (button.getAttribute('aria-pressed') === 'true') {
      window.__interactiveAt = performance.now();
      clearInterval(timer);
    } else button.click();
  }, 5);
})();`;

async function wireBytes(cdp: CDPSession): Promise<() => Pick<Load, 'documentBytes' | 'scriptBytes' | 'totalBytes' | 'requests'>> {
  const types = new Map<string, string>();
  const bytes = new Map<string, number>();
  cdp.on('Network.responseReceived', (event) => types.set(event.requestId, event.type));
  cdp.on('Network.loadingFinished', (event) => bytes.set(event.requestId, event.encodedDataLength));
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  return () => {
    const of = (type?: string) => [...bytes].filter(([id]) => !type || types.get(id) === type).reduce((sum, [, n]) => sum + n, 0);
    return { documentBytes: of('Document'), scriptBytes: of('Script'), totalBytes: of(), requests: bytes.size };
  };
}

interface Probe {
  __interactiveAt?: number;
}

async function firstLoad(page: Page, url: string): Promise<Load> {
  const cdp = await page.context().newCDPSession(page);
  const counted = await wireBytes(cdp);
  await page.addInitScript(INTERACTIVE_PROBE);
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  await page.waitForFunction(() => (globalThis as unknown as Probe).__interactiveAt !== undefined, undefined, {
    timeout: 120_000,
    polling: 50,
  });
  await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => {});
  // Node's types for the page's globals: the page has the DOM's performance, with its navigation entry.
  const timing = await page.evaluate(() => ({
    interactiveMs: (globalThis as unknown as Probe).__interactiveAt as number,
    ...(() => {
      const navigation = performance.getEntriesByType('navigation' as never)[0] as unknown as {
        loadEventEnd: number;
        responseStart: number;
      };
      return { loadEventMs: navigation.loadEventEnd, firstByteMs: navigation.responseStart };
    })(),
  }));
  return { ...counted(), ...timing };
}

/** Vite's dev server for the website, as `infra/up.sh` (dev mode) starts it. */
async function startDevServer(apiUrl: string, logFile: string): Promise<{ url: string; process: ManagedProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dev = startProcess('web-dev', process.execPath, websiteArgs('dev', ROOT), {
    cwd: ROOT,
    logFile,
    env: { ...process.env, WEB_PORT: String(port), WEB_ORIGIN: url, API_URL: apiUrl, PUBLIC_API_URL: apiUrl },
  });
  await waitUntil('Vite dev server', async () => (await fetch(url, { signal: AbortSignal.timeout(60_000) })).status < 500, {
    process: dev,
    timeoutMs: 120_000,
    intervalMs: 500,
  });
  return { url, process: dev };
}

const kB = (bytes: number) => Math.round(bytes / 102.4) / 10;

export const benchmark: Benchmark = {
  name: 'web-first-load',
  title: "Website: first page load, production build vs Vite's dev server",
  description:
    'The catalog page (`/`) loaded in headless Chromium (Debian, driven by playwright-core), each load in a fresh browser ' +
    'context with the cache disabled: the production build served by `node web/production-server.ts` against the Vite dev ' +
    'server of `infra/up.sh` (the baseline), both calling the same API process. Bytes are what crossed the wire (CDP ' +
    '`encodedDataLength`: headers and compressed bodies) for the HTML document and for scripts. Time to interactive: from ' +
    "navigation start until a click on the first scenario's *Choose* button is handled (a script in the page clicks it every " +
    '5 ms until `aria-pressed` turns true, i.e. Svelte has hydrated the page). One warm-up load per server is not counted ' +
    '(the dev server compiles modules on first request).',
  async run({ quick, infra, workDir, log }) {
    const loads = quick ? 3 : 10;
    const services = await startServices(infra, 'web-first-load');
    const built = await startWebServer({ apiUrl: services.apiUrl, logFile: join(workDir, 'web-built.log') });
    const dev = await startDevServer(services.apiUrl, join(workDir, 'web-dev.log')).catch(async (error: unknown) => {
      await built.stop();
      throw error;
    });
    const browser = await launchBrowser();
    const measure = async (url: string) => {
      const context = await browser.newContext();
      try {
        return await firstLoad(await context.newPage(), url);
      } finally {
        await context.close();
      }
    };
    const results: Record<'built' | 'dev', Load[]> = { built: [], dev: [] };
    try {
      await measure(built.url);
      await measure(dev.url);
      // Interleaved, so a busy moment of the machine falls on both.
      for (let round = 1; round <= loads; round += 1) {
        results.built.push(await measure(built.url));
        results.dev.push(await measure(dev.url));
        const [b, d] = [results.built.at(-1)!, results.dev.at(-1)!];
        log(
          `load ${round}/${loads}: built ${kB(b.totalBytes)} kB in ${b.requests} requests, interactive ${Math.round(b.interactiveMs)} ms; ` +
            `dev ${kB(d.totalBytes)} kB in ${d.requests} requests, interactive ${Math.round(d.interactiveMs)} ms`,
        );
      }
    } finally {
      await browser.close();
      await Promise.all([built.stop(), dev.process.stop(), services.stop()]);
    }
    const against = (key: keyof Load, scale = 1) => ({
      label: 'Vite dev server',
      samples: results.dev.map((load) => load[key] / scale),
    });
    const of = (key: keyof Load, scale = 1) => results.built.map((load) => load[key] / scale);
    return {
      params: { loads, page: '/', cache: 'disabled, fresh context per load' },
      metrics: [
        metric('HTML transferred', 'kB', of('documentBytes', 1024), { baseline: against('documentBytes', 1024) }),
        metric('JavaScript transferred', 'kB', of('scriptBytes', 1024), { baseline: against('scriptBytes', 1024) }),
        metric('everything transferred', 'kB', of('totalBytes', 1024), { baseline: against('totalBytes', 1024) }),
        metric('requests', '', of('requests'), { baseline: against('requests') }),
        metric('time to interactive', 'ms', of('interactiveMs'), { baseline: against('interactiveMs') }),
        metric('HTML first byte', 'ms', of('firstByteMs'), { baseline: against('firstByteMs') }),
        metric('load event', 'ms', of('loadEventMs'), { baseline: against('loadEventMs') }),
      ],
      notes: [
        'Both servers run on this machine and are reached over loopback: the times carry no network latency, only the number of ' +
          'requests and bytes the browser has to fetch, parse and run.',
      ],
    };
  },
};
