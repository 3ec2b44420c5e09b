// The cluster-per-session drivers (`kind`, `vcluster`): each session gets a cluster of its own, named after
// the session, and inside it the same sandbox as everywhere else (the `fl-…` namespace with its participant
// account), so the rest of the engine keeps working on "a namespace". A driver only says how to create, reach,
// delete and list such clusters (SessionClusters); this file turns that into a ClusterDriver.
import { execFileSync } from 'node:child_process';
import { findTool } from './tools.ts';
import type { ClusterDriver, SandboxSummary } from './driver.ts';
import { clusterName, sessionOfCluster } from './cluster-names.ts';
import { IdleCache } from './idle-cache.ts';
import { kubeFromYaml, type Kube } from './kube.ts';
import { PooledKubeConfig } from './pooled-kube-config.ts';
import { applyManifests, createSandbox, grantParticipantAccess, participantCredentials } from './sandbox.ts';
import { sandboxNamespace } from './labels.ts';
import { installSandboxAdmissionPolicies } from './admission-policy.ts';
import { awaitAdmissionPolicyEnforced } from './admission-check.ts';

export class DriverUnavailableError extends Error {}

/** A session's cluster clients unused this long are dropped (its connections closed). */
const KUBE_IDLE_MS = 30 * 60_000;

function closeKube(kube: Kube): void {
  if (kube.config instanceof PooledKubeConfig) kube.config.close();
}

export type ClusterPerSessionName = 'kind' | 'vcluster';

const NEEDS: Record<ClusterPerSessionName, { tools: string[]; docker: boolean; hint: string }> = {
  kind: {
    tools: ['kind'],
    docker: true,
    hint: 'a kind cluster per session needs the kind CLI (https://kind.sigs.k8s.io) and a running Docker',
  },
  vcluster: {
    tools: ['vcluster', 'helm'],
    docker: false,
    hint: 'a virtual cluster per session needs the vcluster CLI (https://www.vcluster.com/docs) and helm, with FL_KUBECONFIG naming the host cluster',
  },
};

function dockerRunning(): boolean {
  try {
    execFileSync(findTool('docker') ?? 'docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** What is missing for a cluster-per-session driver on this machine (empty: nothing). */
export function missingFor(name: ClusterPerSessionName): string[] {
  const needs = NEEDS[name];
  const missing = needs.tools.filter((tool) => !findTool(tool)).map((tool) => `${tool} is not on PATH`);
  if (needs.docker && !dockerRunning()) missing.push('Docker is not running (docker info failed)');
  return missing;
}

/** Throws a DriverUnavailableError naming what is missing, when something is. */
export function assertAvailable(name: ClusterPerSessionName): void {
  const missing = missingFor(name);
  if (missing.length > 0) throw new DriverUnavailableError(`CLUSTER_DRIVER=${name}: ${NEEDS[name].hint}. ${missing.join('; ')}.`);
}

/** How one cluster-per-session technology creates, reaches, deletes and lists clusters (by name). */
export interface SessionClusters {
  /** Creates the cluster; keeps it when it exists already (a retried provisioning). */
  create(name: string, sessionId: string): Promise<void>;
  /** A kubeconfig (YAML) with the engine's credentials for the cluster. */
  kubeconfig(name: string): Promise<string>;
  /** Deletes the cluster and what the driver made for it; true once it is gone. Safe when it is already gone. */
  delete(name: string, sessionId: string): Promise<boolean>;
  /** This library's clusters (and their creation time when known). */
  list(): Promise<{ name: string; createdAt?: Date }[]>;
}

export function clusterPerSessionDriver(name: ClusterPerSessionName, clusters: SessionClusters): ClusterDriver {
  // Clients of each session's cluster; the API process never deletes sandboxes, so its entries go when idle.
  const kubes = new IdleCache<Promise<Kube>>(KUBE_IDLE_MS, (kube) => {
    kube.then(closeKube, () => {});
  });

  function kubeFor(sessionId: string): Promise<Kube> {
    let kube = kubes.get(sessionId);
    if (!kube) {
      const cluster = clusterName(sessionId);
      const connecting = clusters.kubeconfig(cluster).then((yaml) => kubeFromYaml(yaml, `the kubeconfig of ${name} cluster ${cluster}`));
      kubes.set(sessionId, connecting);
      connecting.catch(() => kubes.deleteIf(sessionId, connecting));
      kube = connecting;
    }
    return kube;
  }

  async function createdAt(sessionId: string, listed: Date | undefined): Promise<Date> {
    if (listed) return listed;
    // kind does not say when a cluster was made: its kube-system namespace does. An unreachable cluster counts
    // as old, so the sweeper can remove the wreck of a failed create once its session is over.
    try {
      const system = await (await kubeFor(sessionId)).core.readNamespace({ name: 'kube-system' });
      return new Date(system.metadata?.creationTimestamp ?? 0);
    } catch {
      return new Date(0);
    }
  }

  return {
    name,
    async createSandbox(sessionId) {
      await clusters.create(clusterName(sessionId), sessionId);
      const kube = await kubeFor(sessionId);
      await installSandboxAdmissionPolicies(kube);
      return createSandbox(kube, sessionId);
    },
    kubeFor,
    applyManifests: async (sessionId, namespace, objects) => applyManifests(await kubeFor(sessionId), sessionId, namespace, objects),
    async grantParticipantAccess(sessionId, namespace) {
      const kube = await kubeFor(sessionId);
      await grantParticipantAccess(kube, sessionId, namespace);
      await awaitAdmissionPolicyEnforced(kube, namespace);
    },
    sandboxCredentials: async (sessionId, namespace) => participantCredentials(await kubeFor(sessionId), namespace),
    async deleteSandbox(sessionId) {
      kubes.delete(sessionId);
      return clusters.delete(clusterName(sessionId), sessionId);
    },
    async listSandboxes(): Promise<SandboxSummary[]> {
      const listed = (await clusters.list()).flatMap((cluster) => {
        const sessionId = sessionOfCluster(cluster.name);
        return sessionId ? [{ sessionId, listedAt: cluster.createdAt }] : [];
      });
      return Promise.all(
        listed.map(async ({ sessionId, listedAt }) => ({
          sessionId,
          namespace: sandboxNamespace(sessionId),
          createdAt: await createdAt(sessionId, listedAt),
        })),
      );
    },
  };
}
