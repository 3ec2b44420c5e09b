// Picks the cluster driver named by the config.
import type { ClusterDriver } from './driver.ts';
import type { Kube } from './kube.ts';
import { namespaceDriver } from './namespace-driver.ts';
import { assertAvailable, clusterPerSessionDriver } from './cluster-per-session.ts';
import { kindClusters } from './kind-driver.ts';
import { vclusterClusters } from './vcluster-driver.ts';
import type { ClusterDriverName, Config } from '../config/config.ts';
import type { SandboxPlacement } from './placement.ts';

export interface ClusterDriverSettings {
  clusters: Config['clusters'];
  /** Kubeconfig of the driven cluster (the vcluster host), for the CLIs that read it. */
  kubeconfig: string;
  /** Where the `sim` and `namespace` drivers send a sandbox's pods (FL_SANDBOX_PLACEMENT); `sim` when unset. */
  placement?: SandboxPlacement;
}

/**
 * `kube` is the driven cluster (sim, namespace; the host for vcluster); kind needs none. Throws a
 * DriverUnavailableError naming what is missing when the driver cannot run on this machine.
 */
export function createClusterDriver(name: ClusterDriverName, kube: Kube | undefined, settings?: ClusterDriverSettings): ClusterDriver {
  const needKube = (): Kube => {
    if (!kube) throw new Error(`CLUSTER_DRIVER=${name} drives the cluster FL_KUBECONFIG names: it needs its kubeconfig`);
    return kube;
  };
  const needSettings = (): ClusterDriverSettings => {
    if (!settings) throw new Error(`CLUSTER_DRIVER=${name} needs its settings (config.clusters)`);
    return settings;
  };
  switch (name) {
    case 'sim':
      return namespaceDriver(needKube(), { name, guards: false, placement: settings?.placement });
    case 'namespace':
      return namespaceDriver(needKube(), { name, guards: true, placement: settings?.placement });
    case 'kind':
      assertAvailable(name);
      return clusterPerSessionDriver(name, kindClusters(needSettings().clusters.kind));
    case 'vcluster': {
      assertAvailable(name);
      const { clusters, kubeconfig } = needSettings();
      return clusterPerSessionDriver(name, vclusterClusters(needKube(), { ...clusters.vcluster, hostKubeconfig: kubeconfig }));
    }
  }
}
