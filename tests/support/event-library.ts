// A scenario library for event tests: the real library plus a second scenario on the same system (the
// checkout scaled to zero), so an event can hold one scenario and leave the other out.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCENARIOS = join(import.meta.dirname, '../../scenarios');
const SECOND_SCENARIO = 'checkout-scaled-to-zero';

export function eventLibrary(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fl-event-library-'));
  cpSync(SCENARIOS, dir, { recursive: true });
  const original = readFileSync(join(SCENARIOS, 'library/storefront-scaled-to-zero/scenario.yaml'), 'utf8');
  const second = original
    .replace('name: storefront-scaled-to-zero', `name: ${SECOND_SCENARIO}`)
    .replace('codename: Quiet Shopfront', 'codename: Idle Register')
    .replaceAll('deployment: storefront', 'deployment: checkout')
    .replace('name: storefront, minAvailable', 'name: checkout, minAvailable')
    .replace('title: The storefront scaled to zero', 'title: The checkout scaled to zero');
  mkdirSync(join(dir, 'library', SECOND_SCENARIO), { recursive: true });
  writeFileSync(join(dir, 'library', SECOND_SCENARIO, 'scenario.yaml'), second);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
