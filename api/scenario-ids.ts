// In Challenge mode a scenario's real id (which names the fault) is never shown: its codename slug stands in.
import type { Library } from '../scenarios/lib/load.ts';
import type { Scenario } from '../scenarios/lib/schema.ts';
import type { Mode } from './contract.ts';

export function codenameId(scenario: Scenario): string {
  return scenario.spec.codename.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function publicScenarioId(scenario: Scenario, mode: Mode): string {
  return mode === 'challenge' ? codenameId(scenario) : scenario.metadata.name;
}

/** Resolves an id the catalog showed in the given mode. */
export function resolveScenario(library: Library, id: string, mode: Mode): Scenario | undefined {
  for (const scenario of library.scenarios.values()) {
    if (publicScenarioId(scenario, mode) === id) return scenario;
  }
  return undefined;
}
