// `failurelib show <scenario>`: the whole scenario as Learn mode would reveal it.
import { stringify } from 'yaml';
import type { Library } from '../../scenarios/lib/load.ts';
import { UsageError } from '../usage-error.ts';

export function show(library: Library, id: string | undefined, out: (line: string) => void): number {
  if (!id) throw new UsageError('show needs a scenario id (see `failurelib list`)');
  const scenario =
    library.scenarios.get(id) ?? [...library.scenarios.values()].find((s) => s.spec.codename.toLowerCase() === id.toLowerCase());
  if (!scenario) throw new UsageError(`no scenario "${id}" (see \`failurelib list\`)`);
  out(stringify(scenario, { lineWidth: 110 }).trimEnd());
  return 0;
}
