// What the worker and the API connect to for sandboxes: the configured driver, the driven cluster when there is
// one (every driver but kind), and how to tell the cluster side is alive.
import type { Config } from '../config/config.ts';
import type { ClusterDriver } from './driver.ts';
import { createClusterDriver } from './drivers.ts';
import { connectKube, type Kube } from './kube.ts';

export interface ClusterConnection {
  driver: ClusterDriver;
  /** The cluster FL_KUBECONFIG names; undefined for kind, where every session has a cluster of its own. */
  kube: Kube | undefined;
  ping(): Promise<unknown>;
}

export function connectCluster(config: Pick<Config, 'clusterDriver' | 'kubeconfig' | 'clusters' | 'sandboxPlacement'>): ClusterConnection {
  const kube = config.clusterDriver === 'kind' ? undefined : connectKube(config.kubeconfig);
  const driver = createClusterDriver(config.clusterDriver, kube, {
    clusters: config.clusters,
    kubeconfig: config.kubeconfig,
    placement: config.sandboxPlacement,
  });
  // Without a driven cluster, listing the sandboxes exercises what kind needs: its CLI and Docker.
  const ping = kube ? () => kube.core.readNamespace({ name: 'default' }) : () => driver.listSandboxes();
  return { driver, kube, ping };
}
