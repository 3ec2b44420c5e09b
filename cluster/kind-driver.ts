// The `kind` driver: a kind cluster (Kubernetes in Docker) per session, driven through the kind CLI
// (https://kind.sigs.k8s.io/docs/user/quick-start/). kind clusters carry no labels, so they are found by name:
// `fl-` and the session id (cluster-names.ts).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli.ts';
import { sessionOfCluster } from './cluster-names.ts';
import type { SessionClusters } from './cluster-per-session.ts';

export interface KindOptions {
  /** `--image`: the node image (kindest/node:vX.Y.Z); unset: the one the kind release pins. */
  nodeImage?: string;
  /** `--wait`: how long kind waits for the control plane to be ready. */
  waitSeconds: number;
}

/**
 * kind otherwise merges every cluster it creates or deletes into ~/.kube/config (concurrent sessions would race
 * on that file): each command gets a throwaway kubeconfig path instead. The engine reads credentials with
 * `kind get kubeconfig`, which works after a worker restart too.
 */
const scratchKubeconfig = (name: string) => join(tmpdir(), `fl-kind-${name}-${process.pid}.kubeconfig`);

export function kindCreateArgs(name: string, options: KindOptions, kubeconfigPath: string): string[] {
  return [
    'create',
    'cluster',
    '--name',
    name,
    '--wait',
    `${options.waitSeconds}s`,
    '--kubeconfig',
    kubeconfigPath,
    ...(options.nodeImage ? ['--image', options.nodeImage] : []),
  ];
}

export const kindKubeconfigArgs = (name: string): string[] => ['get', 'kubeconfig', '--name', name];
export const kindDeleteArgs = (name: string, kubeconfigPath: string): string[] => [
  'delete',
  'cluster',
  '--name',
  name,
  '--kubeconfig',
  kubeconfigPath,
];

/** `kind get clusters` prints one name per line ("No kind clusters found." goes to stderr): this library's only. */
export function parseKindClusters(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((name) => sessionOfCluster(name) !== undefined);
}

async function withScratchKubeconfig<T>(name: string, run: (path: string) => Promise<T>): Promise<T> {
  const path = scratchKubeconfig(name);
  try {
    return await run(path);
  } finally {
    rmSync(path, { force: true });
  }
}

export function kindClusters(options: KindOptions): SessionClusters {
  const list = async () => parseKindClusters(await runCli('kind', ['get', 'clusters'], { timeoutMs: 60_000 })).map((name) => ({ name }));
  return {
    async create(name) {
      if ((await list()).some((cluster) => cluster.name === name)) return;
      await withScratchKubeconfig(name, (path) =>
        runCli('kind', kindCreateArgs(name, options, path), { timeoutMs: (options.waitSeconds + 300) * 1000 }),
      );
    },
    kubeconfig: (name) => runCli('kind', kindKubeconfigArgs(name), { timeoutMs: 60_000 }),
    async delete(name) {
      // Deleting a cluster that does not exist succeeds: a retried teardown is safe.
      await withScratchKubeconfig(name, (path) => runCli('kind', kindDeleteArgs(name, path), { timeoutMs: 300_000 }));
      return !(await list()).some((cluster) => cluster.name === name);
    },
    list,
  };
}
