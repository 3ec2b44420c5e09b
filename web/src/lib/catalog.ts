// Catalog filtering: the filter lives in the URL (?system=&difficulty=&tag=) so it can be shared.
import type { ScenarioSummaryDto } from './types.ts';

export interface CatalogFilter {
  system: string;
  difficulty: string;
  tag: string;
}

const DIFFICULTY_ORDER = ['easy', 'medium', 'hard', 'expert'];

export function readFilter(params: Pick<URLSearchParams, 'get'>): CatalogFilter {
  return {
    system: params.get('system') ?? '',
    difficulty: params.get('difficulty') ?? '',
    tag: params.get('tag') ?? '',
  };
}

export function applyFilter(scenarios: ScenarioSummaryDto[], filter: CatalogFilter): ScenarioSummaryDto[] {
  return scenarios.filter(
    (scenario) =>
      (!filter.system || scenario.systemIds.includes(filter.system)) &&
      (!filter.difficulty || scenario.difficulty === filter.difficulty) &&
      (!filter.tag || scenario.tags.includes(filter.tag)),
  );
}

/** Difficulties present in the list, easiest first; unknown ones after, alphabetically. */
export function difficultiesOf(scenarios: ScenarioSummaryDto[]): string[] {
  const rank = (value: string) => {
    const index = DIFFICULTY_ORDER.indexOf(value.toLowerCase());
    return index === -1 ? DIFFICULTY_ORDER.length : index;
  };
  return [...new Set(scenarios.flatMap((s) => s.difficulty ?? []))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function tagsOf(scenarios: ScenarioSummaryDto[]): string[] {
  return [...new Set(scenarios.flatMap((s) => s.tags))].sort((a, b) => a.localeCompare(b));
}
