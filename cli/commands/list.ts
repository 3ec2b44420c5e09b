// `failurelib list`: the scenarios as a table.
import type { Library } from '../../scenarios/lib/load.ts';

export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
}

export function list(library: Library, out: (line: string) => void): number {
  const rows = [['ID', 'SYSTEMS', 'DIFFICULTY', 'PAR', 'CODENAME', 'TAGS']];
  for (const scenario of [...library.scenarios.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const { systems, difficulty, parTimeSeconds, codename, tags } = scenario.spec;
    rows.push([scenario.metadata.name, systems.join(','), difficulty, `${Math.round(parTimeSeconds / 60)}m`, codename, tags.join(',')]);
  }
  table(rows).forEach((line) => out(line));
  return 0;
}
