// Reads the library from disk and validates every document, reporting every problem with its file and field.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { TSchema, Static } from '@sinclair/typebox';
import { crossCheck } from './cross-checks.ts';
import { locate, parseWithPositions, type Parsed } from './positions.ts';
import { ScenarioSchema, SystemSchema, type Scenario, type System } from './schema.ts';

export interface LibraryProblem {
  file: string;
  path: string;
  message: string;
  /** 1-based position of the field in the file, when the file could be read. */
  line?: number;
  col?: number;
}

export class LibraryError extends Error {
  readonly problems: LibraryProblem[];
  constructor(problems: LibraryProblem[]) {
    super(`scenario library is invalid:\n${problems.map((p) => `  ${p.file} ${p.path} ${p.message}`).join('\n')}`);
    this.problems = problems;
  }
}

export interface LoadedSystem { system: System; manifests: string; dir: string }
export interface Library {
  systems: Map<string, LoadedSystem>;
  scenarios: Map<string, Scenario>;
}

function readDocument<S extends TSchema>(file: string, schema: S, problems: LibraryProblem[], sources: Map<string, Parsed>): Static<S> | undefined {
  if (!existsSync(file)) {
    problems.push({ file, path: '(file)', message: 'file not found: every folder here needs one' });
    return undefined;
  }
  const parsed = parseWithPositions(readFileSync(file, 'utf8'));
  sources.set(file, parsed);
  const { document } = parsed;
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const position = error.linePos?.[0];
      problems.push({ file, path: '(yaml)', message: (error.message.split('\n')[0] ?? 'bad YAML').replace(/ at line \d+, column \d+:?$/, ''), line: position?.line, col: position?.col });
    }
    return undefined;
  }
  const value = Value.Default(schema, document.toJS());
  const todos = todoMarkers(value, '');
  for (const todo of todos) problems.push({ file, path: todo.path, message: `still to fill in: ${todo.text}` });
  // A field still holding its TODO has that one problem, not also the schema's complaint about its type.
  const underTodo = (path: string) => todos.some((todo) => path === todo.path || path.startsWith(`${todo.path}.`));
  const errors = explain(schema, value, '')
    .map((error) => ({ path: error.path.replaceAll('/', '.').replace(/^\./, '') || '(root)', message: error.message }))
    .filter((error) => !underTodo(error.path));
  problems.push(...errors.map((error) => ({ file, ...error })));
  return errors.length === 0 && todos.length === 0 ? (value as Static<S>) : undefined;
}

/**
 * TypeBox reports a value matching no member of a union as just "Expected union value". Authors need the
 * field that is wrong, so an object is checked against the member it was meant to be: the one sharing its
 * keys (e.g. `fault:`) and, for faults, its `type`. A member of a recursive schema (a `serial` step) refers
 * back to it by `$id`, so the schemas with an `$id` met on the way down are passed on as references.
 */
function explain(schema: TSchema, value: unknown, base: string, references: TSchema[] = []): { path: string; message: string }[] {
  const errors = [...Value.Errors(schema, references, value)];
  const seen = new Set<string>();
  return errors.flatMap((error) => {
    // TypeBox reports a missing object twice (required, then not an object): one line per field is enough.
    if (seen.has(error.path)) return [];
    seen.add(error.path);
    const members = (error.schema as { anyOf?: (TSchema & { const?: unknown })[] }).anyOf;
    if (members?.every((member) => member.const !== undefined)) {
      return [{ path: base + error.path, message: `expected one of: ${members.map((member) => String(member.const)).join(', ')}` }];
    }
    if (!members || typeof error.value !== 'object' || error.value === null) {
      const message = error.message === 'Expected required property' ? 'is required' : error.message;
      return [{ path: base + error.path, message }];
    }
    const member = intendedMember(members, error.value as Record<string, unknown>);
    if (!member) return [unmatched(members, error.value as Record<string, unknown>, base + error.path, error.message)];
    const withId = error.schema.$id !== undefined && !references.includes(error.schema) ? [error.schema] : [];
    return explain(member, error.value, base + error.path, [...references, ...withId]);
  });
}

/** No union member fits: name the discriminating field (e.g. an unknown fault `type`) when there is one. */
function unmatched(members: TSchema[], value: Record<string, unknown>, path: string, fallback: string): { path: string; message: string } {
  const discriminator = Object.entries((members[0] as { properties?: Record<string, { const?: unknown }> }).properties ?? {}).find(([, p]) => p.const !== undefined)?.[0];
  if (discriminator && discriminator in value) {
    const known = members.map((member) => String((member as { properties?: Record<string, { const?: unknown }> }).properties?.[discriminator]?.const)).join(', ');
    return { path: `${path}/${discriminator}`, message: `unknown ${discriminator} "${String(value[discriminator])}" (known: ${known})` };
  }
  const choices = members.map(describeMember).filter(Boolean).join(', ');
  return { path, message: choices ? `expected one of: ${choices}` : fallback };
}

function intendedMember(members: TSchema[], value: Record<string, unknown>): TSchema | undefined {
  const keys = Object.keys(value);
  const scored = members.map((member) => {
    const properties = (member as { properties?: Record<string, TSchema & { const?: unknown }> }).properties ?? {};
    const literal = Object.entries(properties).find(([, property]) => property.const !== undefined);
    if (literal) return { member, score: value[literal[0]] === literal[1].const ? 2 : 0 };
    return { member, score: keys.some((key) => key in properties) ? 1 : 0 };
  }).filter((candidate) => candidate.score > 0).sort((a, b) => b.score - a.score);
  return scored[0]?.member;
}

function describeMember(member: TSchema): string {
  const properties = (member as { properties?: Record<string, TSchema & { const?: unknown }> }).properties ?? {};
  const literal = Object.entries(properties).find(([, property]) => property.const !== undefined);
  if (literal) return `${literal[0]}: ${String(literal[1].const)}`;
  return Object.keys(properties).join('/');
}

/** `TODO: …` values: what `failurelib scenario-skeleton` leaves for the author; a document holding one is not done. */
function todoMarkers(value: unknown, path: string): { path: string; text: string }[] {
  if (typeof value === 'string') return /^TODO\b/.test(value) ? [{ path: path || '(root)', text: value.replace(/^TODO\b:?\s*/, '') }] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => todoMarkers(child, path ? `${path}.${key}` : key));
}

function folders(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort() : [];
}

export function loadLibrary(root: string): Library {
  const problems: LibraryProblem[] = [];
  const sources = new Map<string, Parsed>();
  const files = new Map<string, string>();
  const systems = new Map<string, LoadedSystem>();
  const scenarios = new Map<string, Scenario>();
  for (const folder of folders(join(root, 'systems'))) {
    const dir = join(root, 'systems', folder);
    const file = join(dir, 'system.yaml');
    const system = readDocument(file, SystemSchema, problems, sources);
    if (!system) continue;
    if (system.metadata.name !== folder) problems.push({ file, path: 'metadata.name', message: `must equal the folder name "${folder}"` });
    const manifestsFile = join(dir, system.spec.manifests);
    if (!existsSync(manifestsFile)) {
      problems.push({ file, path: 'spec.manifests', message: `file not found: ${system.spec.manifests}` });
      continue;
    }
    systems.set(folder, { system, manifests: readFileSync(manifestsFile, 'utf8'), dir });
  }
  for (const folder of folders(join(root, 'library'))) {
    const file = join(root, 'library', folder, 'scenario.yaml');
    const scenario = readDocument(file, ScenarioSchema, problems, sources);
    if (!scenario) continue;
    if (scenario.metadata.name !== folder) problems.push({ file, path: 'metadata.name', message: `must equal the folder name "${folder}"` });
    scenario.spec.systems.forEach((id, index) => {
      if (!systems.has(id)) problems.push({ file, path: `spec.systems.${index}`, message: `unknown system "${id}"` });
    });
    scenarios.set(folder, scenario);
    files.set(folder, file);
  }
  problems.push(...crossCheck({ systems, scenarios }, files));
  for (const problem of problems) {
    const source = sources.get(problem.file);
    if (source && problem.line === undefined) Object.assign(problem, locate(source, problem.path));
  }
  if (problems.length > 0) throw new LibraryError(problems);
  return { systems, scenarios };
}
