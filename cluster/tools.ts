// Finds the cluster CLIs a driver runs (kind, vcluster, helm): the project's tools folder first, then PATH.
// Production code looks tools up here; infra/lib/tools.ts adds setup's install hints for dev and tests.
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const TOOLS_DIR = process.env.FL_TOOLS ?? join(ROOT, '.tools');

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findTool(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [join(TOOLS_DIR, 'bin'), join(TOOLS_DIR, 'venv', 'bin'), ...extraDirs, ...(process.env.PATH ?? '').split(delimiter)];
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}
