// The scenario library as authors meet it: the real library loads, and a broken one is refused with
// every problem named by file and field, never with a stack trace.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LibraryError, loadLibrary, type LibraryProblem } from '../../scenarios/lib/load.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BROKEN = join(ROOT, 'tests/fixtures/broken-library');

function problemsOf(libraryCase: string): LibraryProblem[] {
  try {
    loadLibrary(join(BROKEN, libraryCase));
  } catch (error) {
    if (!(error instanceof LibraryError)) throw new Error(`expected a LibraryError, got: ${String(error)}`);
    return error.problems.map((problem) => ({ ...problem, file: problem.file.slice(join(BROKEN, libraryCase).length + 1) }));
  }
  throw new Error(`${libraryCase} loaded without problems`);
}

describe('the real library', () => {
  const library = loadLibrary(join(ROOT, 'scenarios'));

  it('loads the demo system with its manifests and its scenarios', () => {
    expect(library.systems.get('demo-app')?.manifests).toContain('kind: Deployment');
    expect(library.scenarios.has('storefront-scaled-to-zero')).toBe(true);
  });
});

describe('a broken library', () => {
  it('the fixtures are valid apart from their one defect', () => {
    const library = loadLibrary(join(BROKEN, 'valid'));
    const scenario = library.scenarios.get('web-down');
    // Defaults are filled in: an oracle without minAvailable waits for one available replica.
    expect(scenario?.spec.oracle.predicates[0]).toEqual({ deploymentAvailable: { name: 'web', minAvailable: 1 } });
  });

  const SCENARIO = 'library/web-down/scenario.yaml';
  const SYSTEM = 'systems/shop/system.yaml';
  it.each([
    { libraryCase: 'bad-yaml', file: SCENARIO, path: /^\(yaml\)$/ },
    { libraryCase: 'unknown-fault-type', file: SCENARIO, path: /^spec\.steps\.0\.fault(\.type)?$/ },
    { libraryCase: 'wrong-argument-type', file: SCENARIO, path: /^spec\.steps\.0\.fault(\.args\.deployment)?$/ },
    { libraryCase: 'missing-oracle', file: SCENARIO, path: /^spec\.oracle$/ },
    { libraryCase: 'folder-name-mismatch', file: SCENARIO, path: /^metadata\.name$/, message: /web-down/ },
    { libraryCase: 'unknown-system', file: SCENARIO, path: /^spec\.systems\.1$/, message: /bank/ },
    { libraryCase: 'missing-manifests', file: SYSTEM, path: /^spec\.manifests$/, message: /manifests\.yaml/ },
    { libraryCase: 'missing-scenario-file', file: 'library/half-written/scenario.yaml', path: /.+/, message: /not found/ },
  ])('$libraryCase: names $file and the field', ({ libraryCase, file, path, message }) => {
    const problems = problemsOf(libraryCase);
    const problem = problems.find((p) => p.file === file && path.test(p.path));
    expect(problem, JSON.stringify(problems)).toBeDefined();
    if (message) expect(problem?.message).toMatch(message);
    for (const p of problems) expect(`${p.path} ${p.message}`).not.toMatch(/\n\s+at /);
  });

  it('reports every problem of a file at once, not just the first', () => {
    const paths = problemsOf('many-problems').map((problem) => problem.path);
    expect(paths).toEqual(expect.arrayContaining(['spec.oracle', 'spec.difficulty', 'spec.parTimeSeconds']));
  });

  it('puts every problem in the error message, one per line with its file', () => {
    let message = '';
    try {
      loadLibrary(join(BROKEN, 'many-problems'));
    } catch (error) {
      message = (error as Error).message;
    }
    for (const field of ['spec.oracle', 'spec.difficulty', 'spec.parTimeSeconds']) {
      expect(message).toMatch(new RegExp(`many-problems/library/web-down/scenario\\.yaml ${field.replaceAll('.', '\\.')} `));
    }
  });
});
