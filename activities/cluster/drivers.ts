// Picks the cluster driver named by the config.
import type { ClusterDriver } from './driver.ts';
import type { Kube } from './kube.ts';
import { namespaceDriver } from './namespace-driver.ts';
import { unavailableDriver } from './cluster-per-session.ts';
import type { ClusterDriverName } from '../../config/config.ts';

/** Throws a DriverUnavailableError naming what is missing when the driver cannot run here. */
export function createClusterDriver(name: ClusterDriverName, kube: Kube): ClusterDriver {
  switch (name) {
    case 'sim': return namespaceDriver(kube, { name, guards: false });
    case 'namespace': return namespaceDriver(kube, { name, guards: true });
    case 'kind': case 'vcluster': return unavailableDriver(name);
  }
}
