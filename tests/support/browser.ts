// Debian's Chromium driven by playwright-core: headless, no sandbox, no background traffic. Never downloads a browser.
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Locator } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Polls the element's text until it matches; fails with the last text seen (playwright-core has no `expect`). */
export async function waitForText(locator: Locator, expected: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const matches = (text: string) => (typeof expected === 'string' ? text === expected : expected.test(text));
  const deadline = Date.now() + timeoutMs;
  let text = '';
  do {
    text = ((await locator.textContent({ timeout: 1_000 }).catch(() => null)) ?? '').trim();
    if (matches(text)) return text;
    await sleep(250);
  } while (Date.now() < deadline);
  throw new Error(`${String(locator)}: text is "${text}", expected ${String(expected)} within ${timeoutMs} ms`);
}
