// Where the library lives: the paths given, else ./scenarios, else the repository's own scenarios folder.
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

export function defaultLibraryRoot(): string {
  const local = resolve('scenarios');
  return existsSync(join(local, 'library')) || existsSync(join(local, 'systems')) ? local : join(REPO_ROOT, 'scenarios');
}

/** Paths are shown relative to the working directory, as editors and terminals link them. */
export function display(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') ? path : shown;
}
