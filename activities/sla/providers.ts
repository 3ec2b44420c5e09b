// Builds the configured SLA provider; objectives without an SLI for it fall back to kube-state.
import type { Config } from '../../config/config.ts';
import type { Objective } from '../../scenarios/lib/schema.ts';
import type { Kube } from '../../cluster/kube.ts';
import { compositeProvider } from './composite.ts';
import { autoProvider } from './auto.ts';
import { journeyProvider } from './journeys.ts';
import { kubeStateProvider } from './kube-state.ts';
import { probeProvider } from './probe.ts';
import { prometheusProvider } from './prometheus.ts';
import { SumoClient } from './sumo/client.ts';
import { sumoProvider } from './sumo/provider.ts';
import type { SlaProvider } from './types.ts';

/** `cluster`: the driven cluster, or a session's own (ClusterDriver.kubeFor), for the kube-state SLIs. */
export function createSlaProvider(
  sla: Config['sla'],
  cluster: Kube | ((sessionId: string) => Promise<Kube>),
  onError?: (error: unknown) => void,
): SlaProvider {
  const kubeState = kubeStateProvider(cluster);
  // Objectives without a journey (the kube-state ones, diagnostics of the same sandbox) keep their predicate.
  const journeys = () => compositeProvider(journeyProvider(cluster), (o: Objective) => o.journey !== undefined, kubeState);
  switch (sla.provider) {
    case 'kube-state':
      return kubeState;
    case 'journeys':
      return journeys();
    case 'auto':
      return autoProvider(cluster, { real: journeys(), simulated: kubeState });
    case 'probe':
      return compositeProvider(probeProvider(sla.probe), (o: Objective) => o.probe !== undefined, kubeState);
    case 'prometheus':
      return compositeProvider(
        prometheusProvider({ url: sla.prometheus.url, timeoutMs: 5000, concurrency: 8, lagMs: sla.prometheus.lagSeconds * 1000 }),
        (o: Objective) => o.prometheus !== undefined,
        kubeState,
      );
    case 'sumo':
      return compositeProvider(
        sumoProvider(sumoClientOf(sla), { ingestLagSeconds: sla.sumo.ingestLagSeconds, windowSeconds: sla.sumo.windowSeconds, onError }),
        (o: Objective) => o.sumo !== undefined,
        kubeState,
      );
  }
}

export function sumoClientOf(sla: Config['sla']): SumoClient {
  const { accessId, accessKey, apiUrl } = sla.sumo;
  if (!accessId || !accessKey) throw new Error('SUMO_ACCESS_ID and SUMO_ACCESS_KEY are required for Sumo Logic');
  return new SumoClient({ apiUrl, accessId, accessKey });
}
