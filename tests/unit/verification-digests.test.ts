// What a verification ran against: a digest per part, each changing only with its own part, so an edit of the
// scenario, of its system's manifests or of the commands makes the verdict stale, and nothing else does.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLibrary, type Library } from '../../scenarios/lib/load.ts';
import { verificationDigests } from '../../scenarios/lib/verification-digests.ts';

const library = loadLibrary(join(resolve(import.meta.dirname, '../..'), 'scenarios'));
const FIX = ['kubectl scale deployment/storefront --replicas=2'];
const digestsOf = (lib: Library, commands = FIX) => verificationDigests(lib, 'storefront-scaled-to-zero', 'demo-app', commands)!;

/** The library with one scenario or system replaced (the loaded objects are shared otherwise). */
function edited(change: { scenario?: (s: object) => object; manifests?: (m: string) => string }): Library {
  const scenario = library.scenarios.get('storefront-scaled-to-zero')!;
  const system = library.systems.get('demo-app')!;
  return {
    scenarios: new Map([
      ...library.scenarios,
      ['storefront-scaled-to-zero', (change.scenario?.(structuredClone(scenario)) ?? scenario) as typeof scenario],
    ]),
    systems: new Map([
      ...library.systems,
      ['demo-app', { ...system, manifests: change.manifests?.(system.manifests) ?? system.manifests }],
    ]),
  };
}

describe('verification digests', () => {
  const base = digestsOf(library);

  it('are the same for the same library and commands, whatever the key order of the definition', () => {
    expect(digestsOf(loadLibrary(join(resolve(import.meta.dirname, '../..'), 'scenarios')))).toEqual(base);
    const reordered = edited({ scenario: (s) => Object.fromEntries(Object.entries(s).reverse()) });
    expect(digestsOf(reordered)).toEqual(base);
    expect(base.combined).toMatch(/^[0-9a-f]{16}$/);
  });

  it('change with the scenario, the manifests or the commands, each only its own', () => {
    const hinted = digestsOf(
      edited({ scenario: (s) => ({ ...s, spec: { ...(s as { spec: object }).spec, hints: ['Count the replicas.'] } }) }),
    );
    expect(hinted).toMatchObject({ system: base.system, commands: base.commands });
    expect(hinted.scenario).not.toBe(base.scenario);
    const redeployed = digestsOf(edited({ manifests: (m) => `${m}\n# a comment\n` }));
    expect(redeployed).toMatchObject({ scenario: base.scenario, commands: base.commands });
    expect(redeployed.system).not.toBe(base.system);
    const rewritten = digestsOf(library, ['kubectl get pods']);
    expect(rewritten).toMatchObject({ scenario: base.scenario, system: base.system });
    expect(new Set([base.combined, hinted.combined, redeployed.combined, rewritten.combined]).size).toBe(4);
  });

  it('are undefined when the scenario or the system left the library', () => {
    expect(verificationDigests(library, 'no-such-scenario', 'demo-app', FIX)).toBeUndefined();
    expect(verificationDigests(library, 'storefront-scaled-to-zero', 'no-such-system', FIX)).toBeUndefined();
  });
});
