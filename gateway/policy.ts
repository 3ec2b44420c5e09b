// What a participant may ask of their sandbox through the gateway. Pure: the request's parsed form and the
// session in, a decision out. The sandbox credentials the gateway forwards with are namespace-scoped too,
// so a mistake here still cannot reach another namespace (defence in depth).
import { isWriteVerb, type Mode } from '../domain/session-terms.ts';
import type { KubeRequestInfo } from './kube-url.ts';
import { touchesLoadGenerator } from './load-generator-guard.ts';

export interface PolicySubject {
  namespace: string;
  mode: Mode;
}

export type Decision =
  | {
      allowed: true;
      /** The request reads the session's own Namespace object (served specially: it is cluster-scoped). */ ownNamespace?: boolean;
    }
  | { allowed: false; reason: string };

/** The fault engine's API group: in Challenge mode its objects would name the fault. */
export const FAULT_API_GROUP = 'chaos-mesh.org';
const READ_VERBS = new Set(['get', 'list', 'watch']);
/** Cluster-scoped requests that only describe the caller: `kubectl auth can-i`, `kubectl auth whoami`. */
const SELF_REVIEWS = new Set([
  'authorization.k8s.io/selfsubjectaccessreviews',
  'authorization.k8s.io/selfsubjectrulesreviews',
  'authentication.k8s.io/selfsubjectreviews',
]);

function describe(info: KubeRequestInfo): string {
  const resource = info.apiGroup ? `${info.resource}.${info.apiGroup}` : info.resource;
  return `${resource}${info.subresource ? `/${info.subresource}` : ''}${info.name ? ` "${info.name}"` : ''}`;
}

function refuse(info: KubeRequestInfo, why: string): Decision {
  return { allowed: false, reason: `${describe(info)} is forbidden: ${why}` };
}

export function decide(info: KubeRequestInfo, subject: PolicySubject): Decision {
  if (info.discovery) return { allowed: true };
  if (info.apiGroup === 'rbac.authorization.k8s.io' && isWriteVerb(info.verb)) {
    return refuse(info, 'participants cannot change roles or role bindings');
  }
  // A token minted for the sandbox's account would work against the API server directly, unrecorded.
  if (info.apiGroup === '' && info.resource === 'serviceaccounts' && info.subresource === 'token') {
    return refuse(info, 'participants cannot mint service account tokens');
  }
  if (subject.mode === 'challenge' && info.apiGroup === FAULT_API_GROUP) {
    return refuse(info, `cannot ${info.verb} this resource in the sandbox`);
  }
  if (
    info.apiGroup === '' &&
    info.resource === 'namespaces' &&
    info.subresource === undefined &&
    (info.name === undefined || info.name === subject.namespace)
  ) {
    if (READ_VERBS.has(info.verb)) return { allowed: true, ownNamespace: true };
    return refuse(info, `participants cannot ${info.verb} namespaces`);
  }
  if (info.namespace === undefined) {
    if (info.verb === 'create' && SELF_REVIEWS.has(`${info.apiGroup}/${info.resource}`)) return { allowed: true };
    return refuse(info, `cannot ${info.verb} at the cluster scope; use the namespace "${subject.namespace}"`);
  }
  if (info.namespace !== subject.namespace) {
    return refuse(info, `cannot ${info.verb} in the namespace "${info.namespace}"; your sandbox is "${subject.namespace}"`);
  }
  const loadGenerator = touchesLoadGenerator(info);
  if (loadGenerator) return refuse(info, subject.mode === 'challenge' ? `cannot ${info.verb} this resource in the sandbox` : loadGenerator);
  return { allowed: true };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Secrets that make the token controller mint a service account token into them (the same escape as a
 * TokenRequest). `object` is what the write leaves behind, decoded (see resulting-object.ts): never the raw
 * body, whose bytes can spell the type in many ways. The sandbox's admission policy refuses it as well.
 */
export function mintsToken(info: KubeRequestInfo, object: unknown): string | undefined {
  if (
    info.apiGroup !== '' ||
    info.resource !== 'secrets' ||
    info.subresource !== undefined ||
    !['create', 'update', 'patch'].includes(info.verb)
  )
    return undefined;
  const secrets = isRecord(object) && Array.isArray(object.items) ? object.items : [object];
  const minting = secrets.some((secret) => isRecord(secret) && secret.type === 'kubernetes.io/service-account-token');
  return minting
    ? `secrets${info.name ? ` "${info.name}"` : ''} is forbidden: participants cannot create service account token secrets`
    : undefined;
}
