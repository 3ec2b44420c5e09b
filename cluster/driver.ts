// One interface for every kind of sandbox; the config's CLUSTER_DRIVER picks the implementation.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Kube } from './kube.ts';

/** What the kube gateway forwards a participant's requests with: scoped to that one sandbox. */
export interface SandboxCredentials {
  token: string;
  expiresAt: Date;
}

export interface SandboxSummary {
  namespace: string;
  sessionId: string;
  createdAt: Date;
}

export interface ClusterDriver {
  readonly name: string;
  /** Creates the sandbox (idempotent for the same session) and returns its namespace. */
  createSandbox(sessionId: string): Promise<string>;
  /**
   * The engine's clients for the cluster a session's sandbox lives on: the one driven cluster for the
   * namespace drivers, the session's own cluster for the cluster-per-session drivers. Never for participants.
   */
  kubeFor(sessionId: string): Promise<Kube>;
  /** Server-side applies objects into the sandbox, labelled with the session. */
  applyManifests(sessionId: string, namespace: string, objects: KubernetesObject[]): Promise<void>;
  /** Gives the sandbox its participant identity (`edit` in the namespace only). */
  grantParticipantAccess(sessionId: string, namespace: string): Promise<void>;
  /** Resolves once the sandbox can take workloads (drivers whose sandboxes start asynchronously). */
  waitReady?(sessionId: string, namespace: string): Promise<boolean>;
  /** A short-lived token for the sandbox's participant identity (the gateway's upstream credentials). */
  sandboxCredentials(sessionId: string, namespace: string): Promise<SandboxCredentials>;
  /** Deletes the sandbox; true once it is really gone. */
  deleteSandbox(sessionId: string): Promise<boolean>;
  /** Sandboxes this library created (found by label or name), for the sweeper. */
  listSandboxes(): Promise<SandboxSummary[]>;
}
