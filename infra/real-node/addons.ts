// What the real node deploys into the cluster once it is Ready: cluster DNS and NetworkPolicy enforcement.
// Applied on every start (idempotent), then waited for.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil, type ManagedProcess } from '../lib/processes.ts';
import { clusterDnsObjects } from './cluster-dns.ts';
import { NETWORK_POLICY_ENFORCER, networkPolicyObjects } from './network-policies.ts';

export interface AddonOptions {
  /** kubectl with the cluster's admin kubeconfig; resolves with its output. */
  kubectl(args: string[]): Promise<string>;
  configDir: string;
  progress(message: string): void;
  /** The kubelet: waiting stops early if it exits. */
  watched: ManagedProcess;
}

export async function deployNodeAddons({ kubectl, configDir, progress, watched }: AddonOptions): Promise<void> {
  progress(`deploying cluster DNS (CoreDNS as kube-dns) and NetworkPolicy enforcement (${NETWORK_POLICY_ENFORCER})`);
  const apiServer = (await kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'])).trim();
  const manifest = join(configDir, 'node-addons.json');
  const items = [...clusterDnsObjects(apiServer), ...networkPolicyObjects(apiServer)];
  writeFileSync(manifest, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  await kubectl(['apply', '-f', manifest]);
  const ready = async (kind: string, name: string, field: string) =>
    (await kubectl(['-n', 'kube-system', 'get', kind, name, '-o', `jsonpath={.status.${field}}`])).trim() === '1';
  await waitUntil(
    'cluster DNS and NetworkPolicy enforcement',
    async () =>
      (await ready('deployment', 'coredns', 'readyReplicas')) && (await ready('daemonset', NETWORK_POLICY_ENFORCER, 'numberReady')),
    { process: watched, timeoutMs: 60_000, intervalMs: 500 },
  );
}
