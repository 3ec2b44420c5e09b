// The `kind` and `vcluster` drivers need tools this library does not bundle: the kind CLI and a running
// Docker, or the vcluster CLI and a host cluster. Until they are implemented against those CLIs, choosing
// one fails at start with what is missing, instead of at the first session.
import { execFileSync } from 'node:child_process';
import { findTool } from '../../infra/lib/tools.ts';

export class DriverUnavailableError extends Error {}

const NEEDS: Record<'kind' | 'vcluster', { tools: string[]; docker: boolean; hint: string }> = {
  kind: { tools: ['kind'], docker: true, hint: 'a kind cluster per session needs the kind CLI (https://kind.sigs.k8s.io) and a running Docker' },
  vcluster: { tools: ['vcluster', 'helm'], docker: false, hint: 'a virtual cluster per session needs the vcluster CLI (https://www.vcluster.com/docs) and helm, with FL_KUBECONFIG naming the host cluster' },
};

function dockerRunning(): boolean {
  try {
    execFileSync(findTool('docker') ?? 'docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** What is missing for a cluster-per-session driver on this machine (empty: nothing). */
export function missingFor(name: 'kind' | 'vcluster'): string[] {
  const needs = NEEDS[name];
  const missing = needs.tools.filter((tool) => !findTool(tool)).map((tool) => `${tool} is not on PATH`);
  if (needs.docker && !dockerRunning()) missing.push('Docker is not running (docker info failed)');
  return missing;
}

export function unavailableDriver(name: 'kind' | 'vcluster'): never {
  const missing = missingFor(name);
  const why = missing.length > 0 ? missing.join('; ') : 'this driver is not implemented yet: use CLUSTER_DRIVER=namespace against the cluster it would create';
  throw new DriverUnavailableError(`CLUSTER_DRIVER=${name}: ${NEEDS[name].hint}. ${why}.`);
}
