// Challenge codenames: drawn with a server secret, separately per event, never the library's own names, and
// each one resolves back to its scenario only in its own scope.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioIdentities } from '../../api/scenario-ids.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';

const library = loadLibrary(join(resolve(import.meta.dirname, '../..'), 'scenarios'));
const scenarios = [...library.scenarios.values()];
const secret = (fill: number) => Buffer.alloc(32, fill);
const namesOf = (identities: ScenarioIdentities, eventId?: string) => scenarios.map((s) => identities.challenge(s, eventId).codename);

describe('ScenarioIdentities', () => {
  const identities = new ScenarioIdentities(library, secret(1));

  it('gives every scenario its own codename, whose slug is its Challenge id, in every scope', () => {
    for (const eventId of [undefined, 'kubecon-eu', 'game-day']) {
      const ids = scenarios.map((s) => identities.challenge(s, eventId).id);
      expect(new Set(ids).size).toBe(scenarios.length);
      for (const scenario of scenarios) {
        const { id, codename } = identities.challenge(scenario, eventId);
        expect(codename).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
        expect(id).toBe(codename.toLowerCase().replace(' ', '-'));
        expect(identities.resolve(id, 'challenge', eventId)).toBe(scenario);
      }
    }
  });

  it("never uses the real id or the library's public nickname", () => {
    for (const scenario of scenarios) {
      const { id, codename } = identities.challenge(scenario);
      expect(id).not.toBe(scenario.metadata.name);
      expect(codename).not.toBe(scenario.spec.codename);
    }
  });

  it("draws other names under another secret and in another event, so one scope's names say nothing about another's", () => {
    const same = (a: string[], b: string[]) => a.filter((name, index) => name === b[index]).length;
    // 4096 possible names: a few coincidences are chance, most names must differ.
    expect(same(namesOf(identities), namesOf(new ScenarioIdentities(library, secret(2))))).toBeLessThan(3);
    expect(same(namesOf(identities), namesOf(identities, 'kubecon-eu'))).toBeLessThan(3);
    expect(namesOf(new ScenarioIdentities(library, secret(1)), 'kubecon-eu')).toEqual(namesOf(identities, 'kubecon-eu')); // stable for one secret
  });

  it('resolves an id only in its own scope and mode', () => {
    const scenario = library.scenarios.get('storefront-scaled-to-zero')!;
    const { id } = identities.challenge(scenario, 'kubecon-eu');
    expect(identities.resolve(id, 'challenge', 'kubecon-eu')).toBe(scenario);
    expect(identities.resolve(id, 'challenge', 'game-day')).not.toBe(scenario);
    expect(identities.resolve(id, 'learn')).toBeUndefined();
    expect(identities.resolve('storefront-scaled-to-zero', 'challenge')).toBeUndefined();
    expect(identities.resolve('storefront-scaled-to-zero', 'learn')).toBe(scenario);
  });

  it('refuses a secret too short to hide anything', () => {
    expect(() => new ScenarioIdentities(library, Buffer.alloc(4))).toThrow(/at least 16 bytes/);
  });
});
