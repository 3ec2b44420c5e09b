// One interface for every kind of sandbox; the config's CLUSTER_DRIVER picks the implementation.
import type { KubernetesObject } from '@kubernetes/client-node';

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
  /** Server-side applies objects into the sandbox, labelled with the session. */
  applyManifests(sessionId: string, namespace: string, objects: KubernetesObject[]): Promise<void>;
  /** Gives the sandbox its participant identity (`edit` in the namespace only). */
  grantParticipantAccess(sessionId: string, namespace: string): Promise<void>;
  /** Resolves once the sandbox can take workloads (drivers whose sandboxes start asynchronously). */
  waitReady?(sessionId: string, namespace: string): Promise<boolean>;
  /** A short-lived token for the sandbox's participant identity (the gateway's upstream credentials). */
  sandboxCredentials(namespace: string): Promise<SandboxCredentials>;
  /** Deletes the sandbox; true once it is really gone. */
  deleteSandbox(sessionId: string): Promise<boolean>;
  /** Sandboxes this library created (found by label), for the sweeper. */
  listSandboxes(): Promise<SandboxSummary[]>;
}
