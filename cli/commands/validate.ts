// `failurelib validate [roots...]`: every problem of every library root at once, one per line as
// `file:line:col path message`; exit 1 when there is any.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LibraryError, loadLibrary, type LibraryProblem } from '../../scenarios/lib/load.ts';
import { defaultLibraryRoot, display } from '../library-paths.ts';

export function formatProblem(problem: LibraryProblem): string {
  return `${display(problem.file)}:${problem.line ?? 1}:${problem.col ?? 1} ${problem.path} ${problem.message}`;
}

export function validateRoots(roots: string[]): { problems: LibraryProblem[]; scenarios: number; systems: number } {
  const problems: LibraryProblem[] = [];
  let scenarios = 0;
  let systems = 0;
  for (const root of roots) {
    if (!existsSync(root)) {
      problems.push({ file: root, path: '(file)', message: 'no such library folder' });
      continue;
    }
    try {
      const library = loadLibrary(root);
      scenarios += library.scenarios.size;
      systems += library.systems.size;
    } catch (error) {
      if (!(error instanceof LibraryError)) throw error;
      problems.push(...error.problems);
    }
  }
  return { problems, scenarios, systems };
}

export function validate(args: string[], out: (line: string) => void): number {
  const roots = args.length > 0 ? args.map((arg) => resolve(arg)) : [defaultLibraryRoot()];
  const { problems, scenarios, systems } = validateRoots(roots);
  for (const problem of problems) out(formatProblem(problem));
  if (problems.length > 0) {
    out(`${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    return 1;
  }
  out(`ok: ${systems} system${systems === 1 ? '' : 's'}, ${scenarios} scenario${scenarios === 1 ? '' : 's'}`);
  return 0;
}
