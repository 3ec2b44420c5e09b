// The `sim` and `namespace` drivers: a namespace per session on the driven cluster. `namespace` (a real,
// shared cluster) also fences each sandbox with a quota, default limits and a network policy; `sim` runs
// no real pods, so it skips them unless asked. Both place the sandbox's pods as configured (cluster/placement.ts:
// FL_SANDBOX_PLACEMENT=real sends them all to the real node).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterDriver } from './driver.ts';
import type { Kube } from './kube.ts';
import { releaseClusterScoped } from './cluster-scoped.ts';
import { sandboxNamespace } from './labels.ts';
import type { SandboxPlacement } from './placement.ts';
import { applyManifests, createSandbox, deleteSandbox, grantParticipantAccess, listSandboxes, participantCredentials } from './sandbox.ts';
import { sandboxGuards } from './sandbox-guards.ts';
import { installSandboxAdmissionPolicies } from './admission-policy.ts';
import { awaitAdmissionPolicyEnforced } from './admission-check.ts';

export interface NamespaceDriverOptions {
  name: 'sim' | 'namespace';
  guards: boolean;
  placement?: SandboxPlacement;
}

export function namespaceDriver(kube: Kube, { name, guards, placement = 'sim' }: NamespaceDriverOptions): ClusterDriver {
  return {
    name,
    async createSandbox(sessionId) {
      await installSandboxAdmissionPolicies(kube);
      const namespace = await createSandbox(kube, sessionId, { placement });
      if (guards) await applyManifests(kube, sessionId, namespace, sandboxGuards(namespace) as KubernetesObject[]);
      return namespace;
    },
    kubeFor: async () => kube,
    applyManifests: (sessionId, namespace, objects) => applyManifests(kube, sessionId, namespace, objects),
    async grantParticipantAccess(sessionId, namespace) {
      await grantParticipantAccess(kube, sessionId, namespace);
      await awaitAdmissionPolicyEnforced(kube, namespace);
    },
    sandboxCredentials: (_sessionId, namespace) => participantCredentials(kube, namespace),
    async deleteSandbox(sessionId) {
      // Cluster-scoped leftovers of faults (webhooks, cordoned nodes) would outlive the namespace.
      await releaseClusterScoped(kube, sandboxNamespace(sessionId));
      return deleteSandbox(kube, sessionId);
    },
    listSandboxes: () => listSandboxes(kube),
  };
}
