// Kubernetes API clients for the engine's own credentials (never handed to participants).
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig, KubernetesObjectApi, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { PooledKubeConfig } from './pooled-kube-config.ts';

export interface Kube {
  config: KubeConfig;
  server: string;
  caData: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  discovery: DiscoveryV1Api;
  rbac: RbacAuthorizationV1Api;
  objects: KubernetesObjectApi;
}

/** FL_KUBECONFIG's value for the pod's own service account (the Helm chart's `namespace` driver). */
export const IN_CLUSTER = 'in-cluster';

export function connectKube(kubeconfigPath: string): Kube {
  const config = new PooledKubeConfig();
  // In a pod: the service account's token (re-read as the kubelet renews it) and the cluster's CA.
  if (kubeconfigPath === IN_CLUSTER) config.loadFromCluster();
  else config.loadFromFile(kubeconfigPath);
  return kubeOf(config, kubeconfigPath);
}

/** Clients for a kubeconfig handed over as text (a cluster-per-session driver's CLI prints one per sandbox). */
export function kubeFromYaml(yaml: string, source: string): Kube {
  const config = new PooledKubeConfig();
  config.loadFromString(yaml);
  return kubeOf(config, source);
}

function kubeOf(config: KubeConfig, source: string): Kube {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error(`${source} has no current cluster`);
  const caData = cluster.caData
    ? Buffer.from(cluster.caData, 'base64').toString('utf8')
    : cluster.caFile
      ? readFileSync(cluster.caFile, 'utf8')
      : '';
  return {
    config,
    server: cluster.server,
    caData,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    discovery: config.makeApiClient(DiscoveryV1Api),
    rbac: config.makeApiClient(RbacAuthorizationV1Api),
    objects: KubernetesObjectApi.makeApiClient(config),
  };
}

/** The HTTP status of a failed client-node call, if it has one. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

export async function ignoreNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
