// Reads the library from disk and validates every document, reporting every problem with its file and field.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { TSchema, Static } from '@sinclair/typebox';
import { parseDocument } from 'yaml';
import { ScenarioSchema, SystemSchema, type Scenario, type System } from './schema.ts';

export interface LibraryProblem {
  file: string;
  path: string;
  message: string;
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

function readDocument<S extends TSchema>(file: string, schema: S, problems: LibraryProblem[]): Static<S> | undefined {
  if (!existsSync(file)) {
    problems.push({ file, path: '(file)', message: 'file not found: every folder here needs one' });
    return undefined;
  }
  const document = parseDocument(readFileSync(file, 'utf8'));
  if (document.errors.length > 0) {
    for (const error of document.errors) problems.push({ file, path: `line ${error.linePos?.[0]?.line ?? '?'}`, message: error.message.split('\n')[0] ?? 'bad YAML' });
    return undefined;
  }
  const value = Value.Default(schema, document.toJS());
  const errors = explain(schema, value, '');
  for (const error of errors) problems.push({ file, path: error.path.replaceAll('/', '.').replace(/^\./, '') || '(root)', message: error.message });
  return errors.length === 0 ? (value as Static<S>) : undefined;
}

/**
 * TypeBox reports a value matching no member of a union as just "Expected union value". Authors need the
 * field that is wrong, so an object is checked against the member it was meant to be: the one sharing its
 * keys (e.g. `fault:`) and, for faults, its `type`.
 */
function explain(schema: TSchema, value: unknown, base: string): { path: string; message: string }[] {
  const errors = [...Value.Errors(schema, value)];
  return errors.flatMap((error) => {
    const members = (error.schema as { anyOf?: TSchema[] }).anyOf;
    if (!members || typeof error.value !== 'object' || error.value === null) return [{ path: base + error.path, message: error.message }];
    const member = intendedMember(members, error.value as Record<string, unknown>);
    if (!member) {
      const choices = members.map(describeMember).filter(Boolean).join(', ');
      return [{ path: base + error.path, message: choices ? `expected one of: ${choices}` : error.message }];
    }
    return explain(member, error.value, base + error.path);
  });
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

function folders(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort() : [];
}

export function loadLibrary(root: string): Library {
  const problems: LibraryProblem[] = [];
  const systems = new Map<string, LoadedSystem>();
  const scenarios = new Map<string, Scenario>();
  for (const folder of folders(join(root, 'systems'))) {
    const dir = join(root, 'systems', folder);
    const file = join(dir, 'system.yaml');
    const system = readDocument(file, SystemSchema, problems);
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
    const scenario = readDocument(file, ScenarioSchema, problems);
    if (!scenario) continue;
    if (scenario.metadata.name !== folder) problems.push({ file, path: 'metadata.name', message: `must equal the folder name "${folder}"` });
    scenario.spec.systems.forEach((id, index) => {
      if (!systems.has(id)) problems.push({ file, path: `spec.systems.${index}`, message: `unknown system "${id}"` });
    });
    scenarios.set(folder, scenario);
  }
  if (problems.length > 0) throw new LibraryError(problems);
  return { systems, scenarios };
}
