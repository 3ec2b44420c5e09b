// What the real node deploys into the cluster once it is Ready: cluster DNS, metrics-server (`kubectl top`) and
// NetworkPolicy enforcement. Applied on every start (idempotent); DNS and NetworkPolicy enforcement are waited for,
// the metrics API is registered by its guard once metrics-server answers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil, type ManagedProcess } from '../lib/processes.ts';
import type { ClusterCertificates } from '../sim-cluster/cluster-pki.ts';
import { clusterDnsObjects } from './cluster-dns.ts';
import { metricsApiGuard, metricsApiService, metricsServerObjects } from './metrics-server.ts';
import { NETWORK_POLICY_ENFORCER, networkPolicyObjects } from './network-policies.ts';

export interface AddonOptions {
  /** kubectl with the cluster's admin kubeconfig; resolves with its output. */
  kubectl(args: string[]): Promise<string>;
  configDir: string;
  certificates: ClusterCertificates;
  progress(message: string): void;
  /** The kubelet: waiting stops early if it exits. */
  watched: ManagedProcess;
}

/** Resolves, once DNS and enforcement run, with the stop of the metrics API's guard (it removes the APIService). */
export async function deployNodeAddons({
  kubectl,
  configDir,
  certificates,
  progress,
  watched,
}: AddonOptions): Promise<() => Promise<void>> {
  progress(`deploying cluster DNS (CoreDNS as kube-dns), metrics-server and NetworkPolicy enforcement (${NETWORK_POLICY_ENFORCER})`);
  const apiServer = (await kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'])).trim();
  const manifest = join(configDir, 'node-addons.json');
  const items = [...clusterDnsObjects(apiServer), ...metricsServerObjects(apiServer, certificates), ...networkPolicyObjects(apiServer)];
  writeFileSync(manifest, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  await kubectl(['apply', '-f', manifest]);
  const apiServiceFile = join(configDir, 'metrics-api-service.json');
  writeFileSync(apiServiceFile, JSON.stringify(metricsApiService(certificates)));
  const stopGuard = metricsApiGuard({ kubectl, apiServiceFile, caFile: certificates.caFile, progress });
  const ready = async (kind: string, name: string, field: string, wanted: string) => {
    const [have, want] = (await kubectl(['-n', 'kube-system', 'get', kind, name, '-o', `jsonpath={.status.${field}} {.status.${wanted}}`]))
      .trim()
      .split(' ');
    return Number(have) >= 1 && have === want;
  };
  await waitUntil(
    'cluster DNS and NetworkPolicy enforcement',
    async () =>
      (await ready('deployment', 'coredns', 'readyReplicas', 'replicas')) &&
      // One enforcer per node (with pools, two).
      (await ready('daemonset', NETWORK_POLICY_ENFORCER, 'numberReady', 'desiredNumberScheduled')),
    { process: watched, timeoutMs: 60_000, intervalMs: 500 },
  ).catch(async (error: unknown) => {
    await stopGuard();
    throw error;
  });
  return stopGuard;
}
