// A sandbox is one namespace per session on the driven cluster (the `sim` and `namespace` drivers).
import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import { getSerializationType } from '@kubernetes/client-node/dist/util.js';
import { parseAllDocuments } from 'yaml';
import { ignoreNotFound, statusOf, type Kube } from './kube.ts';
import {
  DEPLOY_FIELD_MANAGER,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  PARTICIPANT_ACCOUNT,
  SESSION_LABEL,
  sandboxNamespace,
  sessionLabels,
} from './labels.ts';
import { placementMetadata, type SandboxPlacement } from './placement.ts';

export class InvalidManifestError extends Error {}

export interface SandboxOptions {
  /** The namespace; the session's sandbox namespace unless a driver needs another (a vcluster's host namespace). */
  name?: string;
  /** Where its pods go (cluster/placement.ts); `sim` by default. */
  placement?: SandboxPlacement;
}

export async function createSandbox(
  kube: Kube,
  sessionId: string,
  { name = sandboxNamespace(sessionId), placement = 'sim' }: SandboxOptions = {},
): Promise<string> {
  const { annotations, labels } = placementMetadata(placement);
  try {
    await kube.core.createNamespace({ body: { metadata: { name, annotations, labels: { ...labels, ...sessionLabels(sessionId) } } } });
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
    const existing = await kube.core.readNamespace({ name });
    // A retried activity finds its own namespace; a namespace of another session is a real conflict.
    if (existing.metadata?.labels?.[SESSION_LABEL] !== sessionId) throw new Error(`namespace ${name} belongs to another session`);
    if (existing.status?.phase === 'Terminating') throw new Error(`namespace ${name} is still terminating`);
  }
  return name;
}

export function parseManifests(yaml: string): KubernetesObject[] {
  return parseAllDocuments(yaml).flatMap((document, index) => {
    if (document.errors.length > 0) throw new InvalidManifestError(`document ${index + 1}: ${document.errors[0]?.message}`);
    const object = document.toJS() as KubernetesObject | null;
    if (!object) return [];
    if (!object.apiVersion || !object.kind || !object.metadata?.name) {
      throw new InvalidManifestError(`document ${index + 1}: apiVersion, kind and metadata.name are required`);
    }
    return [object];
  });
}

/**
 * client-node serializes known kinds through its typed models, which name some fields differently from the
 * wire (`from` is `_from`, `default` is `_default`): a plain manifest object would silently lose them (a
 * NetworkPolicy's `from` dropped means traffic from anywhere). Convert to the model first.
 */
export function asClientModel(object: KubernetesObject): KubernetesObject {
  const type = getSerializationType(object.apiVersion, object.kind);
  return ObjectSerializer.deserialize(object, type) as KubernetesObject;
}

/** Server-side apply into the sandbox: idempotent, so a retried deploy converges to the same state. */
export async function applyManifests(kube: Kube, sessionId: string, namespace: string, objects: KubernetesObject[]): Promise<void> {
  for (const object of objects) {
    const labelled = {
      ...object,
      metadata: { ...object.metadata, namespace, labels: { ...object.metadata?.labels, ...sessionLabels(sessionId) } },
    };
    await kube.objects.patch(asClientModel(labelled), undefined, undefined, DEPLOY_FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }
}

/** A namespace-scoped identity for the participant: `edit` inside their sandbox, nothing outside it. */
export async function grantParticipantAccess(kube: Kube, sessionId: string, namespace: string): Promise<void> {
  await applyManifests(kube, sessionId, namespace, [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: PARTICIPANT_ACCOUNT } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'participant-edit' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'ServiceAccount', name: PARTICIPANT_ACCOUNT, namespace }],
    } as KubernetesObject,
  ]);
}

/** A short-lived token for the participant's service account (TokenRequest): never stored by the library. */
export async function issueParticipantToken(
  kube: Kube,
  namespace: string,
  expirationSeconds: number,
): Promise<{ token: string; expiresAt: string }> {
  const response = await kube.core.createNamespacedServiceAccountToken({
    name: PARTICIPANT_ACCOUNT,
    namespace,
    body: { spec: { expirationSeconds: Math.max(600, Math.round(expirationSeconds)), audiences: [] } },
  });
  const token = response.status?.token;
  if (!token) throw new Error('TokenRequest returned no token');
  return { token, expiresAt: new Date(response.status?.expirationTimestamp ?? Date.now()).toISOString() };
}

/** Lifetime of the gateway's upstream token for a sandbox; the gateway renews it before it runs out. */
const CREDENTIAL_SECONDS = 3600;

/** The gateway's upstream credentials for a sandbox: a fresh token of its participant account. */
export async function participantCredentials(kube: Kube, namespace: string): Promise<{ token: string; expiresAt: Date }> {
  const { token, expiresAt } = await issueParticipantToken(kube, namespace, CREDENTIAL_SECONDS);
  return { token, expiresAt: new Date(expiresAt) };
}

/** Deletes the sandbox; returns true once the namespace is really gone. */
export async function deleteSandbox(kube: Kube, sessionId: string, name = sandboxNamespace(sessionId)): Promise<boolean> {
  const existing = await ignoreNotFound(kube.core.readNamespace({ name }));
  if (!existing) return true;
  if (existing.metadata?.labels?.[SESSION_LABEL] !== sessionId)
    throw new Error(`refusing to delete ${name}: not labelled for session ${sessionId}`);
  if (!existing.metadata?.deletionTimestamp) {
    // Remove workloads and then pods without grace first: the namespace controller otherwise waits out
    // each pod's grace period before it finishes, which makes teardown take half a minute.
    await Promise.all([
      kube.apps.deleteCollectionNamespacedDeployment({ namespace: name }),
      kube.apps.deleteCollectionNamespacedStatefulSet({ namespace: name }),
      kube.apps.deleteCollectionNamespacedDaemonSet({ namespace: name }),
      kube.apps.deleteCollectionNamespacedReplicaSet({ namespace: name }),
    ]);
    await kube.core.deleteCollectionNamespacedPod({ namespace: name, gracePeriodSeconds: 0 });
    await ignoreNotFound(kube.core.deleteNamespace({ name }));
  } else {
    // A pod a ReplicaSet made while its Deployment was being deleted ends with grace, which only its node can
    // confirm: on a real node whose kubelet or runtime is dead, never. Without grace, teardown waits on no node.
    await kube.core.deleteCollectionNamespacedPod({ namespace: name, gracePeriodSeconds: 0 });
  }
  return false;
}

export async function listSandboxes(kube: Kube): Promise<{ namespace: string; sessionId: string; createdAt: Date }[]> {
  const list = await kube.core.listNamespace({ labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}` });
  return list.items.flatMap((ns) => {
    const sessionId = ns.metadata?.labels?.[SESSION_LABEL];
    const createdAt = new Date(ns.metadata?.creationTimestamp ?? 0);
    return sessionId && ns.metadata?.name && !ns.metadata.deletionTimestamp ? [{ namespace: ns.metadata.name, sessionId, createdAt }] : [];
  });
}
