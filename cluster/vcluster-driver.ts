// The `vcluster` driver: a virtual cluster per session on the host cluster FL_KUBECONFIG names, driven through
// the vcluster CLI (https://www.vcluster.com/docs). Each vcluster lives in a host namespace of its own, named
// like the vcluster, which the engine creates first, labelled with the session like every sandbox (so the
// host's namespaces show what belongs to which session), and deletes last.
import { runCli } from './cli.ts';
import { clusterName, sessionOfCluster } from './cluster-names.ts';
import type { SessionClusters } from './cluster-per-session.ts';
import { IN_CLUSTER, type Kube } from './kube.ts';
import { createSandbox, deleteSandbox, listSandboxes } from './sandbox.ts';

export interface VclusterOptions {
  /** Kubeconfig of the host cluster: the CLI reads it through KUBECONFIG. */
  hostKubeconfig: string;
  /** `--chart-version`; unset: the CLI's own. */
  chartVersion?: string;
  /** `--values`: a Helm values file for every vcluster (resources, distro, sync settings). */
  valuesFile?: string;
  /**
   * The vcluster API server as the engine reaches it (`--server` of `vcluster connect`), with `{name}` and
   * `{namespace}` filled in. Without it `vcluster connect` would port-forward and never return.
   */
  serverTemplate: string;
}

export function vclusterServer(template: string, name: string, namespace: string): string {
  return template.replaceAll('{name}', name).replaceAll('{namespace}', namespace);
}

export function vclusterCreateArgs(name: string, namespace: string, options: VclusterOptions): string[] {
  return [
    'create',
    name,
    '--namespace',
    namespace,
    '--connect=false',
    '--create-namespace=false',
    ...(options.chartVersion ? ['--chart-version', options.chartVersion] : []),
    ...(options.valuesFile ? ['--values', options.valuesFile] : []),
  ];
}

export function vclusterConnectArgs(name: string, namespace: string, options: VclusterOptions): string[] {
  return [
    'connect',
    name,
    '--namespace',
    namespace,
    '--print',
    '--server',
    vclusterServer(options.serverTemplate, name, namespace),
    '--background-proxy=false',
  ];
}

export const vclusterDeleteArgs = (name: string, namespace: string): string[] => [
  'delete',
  name,
  '--namespace',
  namespace,
  '--ignore-not-found',
  '--wait',
];

interface ListedVcluster {
  Name?: unknown;
  Namespace?: unknown;
  Created?: unknown;
}

/** `vcluster list --output json`: an array of { Name, Namespace, Created, Status, … }; this library's only. */
export function parseVclusterList(stdout: string): { name: string; namespace: string; createdAt?: Date }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim() || '[]');
  } catch {
    throw new Error(`vcluster list --output json printed something that is not JSON: ${stdout.slice(0, 200)}`);
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) throw new Error('vcluster list --output json did not print an array');
  return (parsed as ListedVcluster[]).flatMap((item) => {
    if (typeof item?.Name !== 'string' || typeof item.Namespace !== 'string' || !sessionOfCluster(item.Name)) return [];
    const created = typeof item.Created === 'string' ? new Date(item.Created) : undefined;
    return [{ name: item.Name, namespace: item.Namespace, ...(created && !Number.isNaN(created.getTime()) ? { createdAt: created } : {}) }];
  });
}

export function vclusterClusters(host: Kube, options: VclusterOptions): SessionClusters {
  // In a pod (FL_KUBECONFIG=in-cluster) the CLIs use the pod's service account by themselves.
  const env: Record<string, string> = options.hostKubeconfig === IN_CLUSTER ? {} : { KUBECONFIG: options.hostKubeconfig };
  const hostNamespace = (name: string) => name;
  const listVclusters = async () => parseVclusterList(await runCli('vcluster', ['list', '--output', 'json'], { env, timeoutMs: 60_000 }));
  return {
    async create(name, sessionId) {
      await createSandbox(host, sessionId, { name: hostNamespace(name) });
      if ((await listVclusters()).some((vcluster) => vcluster.name === name)) return;
      await runCli('vcluster', vclusterCreateArgs(name, hostNamespace(name), options), { env });
    },
    kubeconfig: (name) => runCli('vcluster', vclusterConnectArgs(name, hostNamespace(name), options), { env, timeoutMs: 120_000 }),
    async delete(name, sessionId) {
      await runCli('vcluster', vclusterDeleteArgs(name, hostNamespace(name)), { env, timeoutMs: 300_000 });
      return deleteSandbox(host, sessionId, hostNamespace(name));
    },
    async list() {
      // A host namespace whose vcluster was never created (a crash in between) is listed too, so it is swept.
      const [vclusters, namespaces] = await Promise.all([listVclusters(), listSandboxes(host)]);
      const byName = new Map<string, { name: string; createdAt?: Date }>();
      for (const namespace of namespaces)
        byName.set(clusterName(namespace.sessionId), { name: clusterName(namespace.sessionId), createdAt: namespace.createdAt });
      for (const vcluster of vclusters)
        byName.set(vcluster.name, { name: vcluster.name, ...(vcluster.createdAt ? { createdAt: vcluster.createdAt } : {}) });
      return [...byName.values()];
    },
  };
}
