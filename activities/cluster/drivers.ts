// Picks the cluster driver named by the config.
import type { ClusterDriver } from './driver.ts';
import type { Kube } from './kube.ts';
import { namespaceDriver } from './namespace-driver.ts';

export function createClusterDriver(name: 'sim' | 'namespace', kube: Kube): ClusterDriver {
  switch (name) {
    case 'sim': return namespaceDriver(kube, { name, guards: false });
    case 'namespace': return namespaceDriver(kube, { name, guards: true });
  }
}
