// The engine's load generator is the SLA's measuring instrument: participants may look at it, never change,
// stop or enter it. Its Deployment, Service, ConfigMap and NetworkPolicy are named `load-generator`, its
// ReplicaSets and pods start with `load-generator-`; a collection delete of those kinds would take it along.
import { LOAD_GENERATOR_NAME } from '../cluster/labels.ts';
import { isWriteVerb } from '../domain/session-terms.ts';
import type { KubeRequestInfo } from './kube-url.ts';

const NAMED = new Set(['/configmaps', '/services', 'apps/deployments', 'networking.k8s.io/networkpolicies']);
const GENERATED = new Set(['/pods', 'apps/replicasets']);

function guards(info: KubeRequestInfo): boolean {
  const kind = `${info.apiGroup}/${info.resource}`;
  if (!NAMED.has(kind) && !GENERATED.has(kind)) return false;
  if (info.verb === 'deletecollection') return true;
  if (info.name === undefined) return false;
  return NAMED.has(kind) ? info.name === LOAD_GENERATOR_NAME : info.name.startsWith(`${LOAD_GENERATOR_NAME}-`);
}

/** Why the request is refused, or undefined when it leaves the load generator alone. */
export function touchesLoadGenerator(info: KubeRequestInfo): string | undefined {
  const entering = info.verb === 'connect' && info.resource === 'pods' && (info.subresource === 'exec' || info.subresource === 'attach');
  if (!(isWriteVerb(info.verb) || entering) || !guards(info)) return undefined;
  if (info.verb === 'deletecollection') {
    return `a collection delete of ${info.resource} would remove the SLA's load generator: delete your objects by name or label`;
  }
  return `the load generator measures the SLA: participants cannot ${info.verb === 'connect' ? info.subresource : info.verb} it`;
}
