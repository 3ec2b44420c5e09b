// The `sim` and `namespace` drivers: a namespace per session on the driven cluster. `namespace` (a real,
// shared cluster) also fences each sandbox with a quota, default limits and a network policy; `sim` runs
// no real pods, so it skips them unless asked.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterDriver, SandboxCredentials } from './driver.ts';
import type { Kube } from './kube.ts';
import { releaseClusterScoped } from '../faults/cluster-scoped.ts';
import { sandboxNamespace } from './labels.ts';
import { applyManifests, createSandbox, deleteSandbox, grantParticipantAccess, issueParticipantToken, listSandboxes } from './sandbox.ts';
import { sandboxGuards } from './sandbox-guards.ts';

/** Lifetime of the gateway's upstream token for a sandbox; the gateway renews it before it runs out. */
const CREDENTIAL_SECONDS = 3600;

export function namespaceDriver(kube: Kube, { name, guards }: { name: 'sim' | 'namespace'; guards: boolean }): ClusterDriver {
  return {
    name,
    async createSandbox(sessionId) {
      const namespace = await createSandbox(kube, sessionId);
      if (guards) await applyManifests(kube, sessionId, namespace, sandboxGuards(namespace) as KubernetesObject[]);
      return namespace;
    },
    applyManifests: (sessionId, namespace, objects) => applyManifests(kube, sessionId, namespace, objects),
    grantParticipantAccess: (sessionId, namespace) => grantParticipantAccess(kube, sessionId, namespace),
    async sandboxCredentials(namespace): Promise<SandboxCredentials> {
      const { token, expiresAt } = await issueParticipantToken(kube, namespace, CREDENTIAL_SECONDS);
      return { token, expiresAt: new Date(expiresAt) };
    },
    async deleteSandbox(sessionId) {
      // Cluster-scoped leftovers of faults (webhooks, cordoned nodes) would outlive the namespace.
      await releaseClusterScoped(kube, sandboxNamespace(sessionId));
      return deleteSandbox(kube, sessionId);
    },
    listSandboxes: () => listSandboxes(kube),
  };
}
