// Turns recorded gateway requests into the steps a person would write down: `kubectl get pods -w`,
// `kubectl scale deployment/storefront (spec.replicas 0→2)`. One kubectl invocation (its Kubectl-Session
// header) is one step, however many requests it sent. Pure: used for replay events and tests alike.
import type { FieldChange, KubeRequestRow } from '../db/schema.ts';
import { isWriteVerb } from '../domain/session-terms.ts';

/** A kube_requests row, or the part of it known before it is written. */
export type RecordedRequest = Pick<KubeRequestRow, 'verb' | 'apiGroup' | 'resource' | 'status'> &
  Partial<Pick<KubeRequestRow, 'id' | 'at' | 'namespace' | 'name' | 'subresource' | 'command' | 'clientSession' | 'query' | 'change'>>;

export interface Step {
  at?: Date;
  summary: string;
  requestIds: number[];
}

const MAX_DIFF_IN_SUMMARY = 3;

const FALLBACK_COMMAND: Record<string, string> = {
  get: 'kubectl get',
  list: 'kubectl get',
  watch: 'kubectl get',
  create: 'kubectl create',
  update: 'kubectl replace',
  patch: 'kubectl patch',
  delete: 'kubectl delete',
  deletecollection: 'kubectl delete',
};
const CONNECT_COMMAND: Record<string, string> = {
  exec: 'kubectl exec',
  attach: 'kubectl attach',
  portforward: 'kubectl port-forward',
  proxy: 'kubectl proxy',
};

/** deployments → deployment, ingresses → ingress, networkpolicies → networkpolicy. */
export function singular(resource: string): string {
  if (resource === 'endpoints') return resource;
  if (resource.endsWith('ies')) return `${resource.slice(0, -3)}y`;
  if (/(ss|sh|ch|x)es$/.test(resource)) return resource.slice(0, -2);
  return resource.endsWith('s') ? resource.slice(0, -1) : resource;
}

function show(value: unknown): string {
  if (value === undefined) return '∅';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function describeDiff(diff: FieldChange[] | undefined): string {
  if (!diff || diff.length === 0) return '';
  const shown = diff.slice(0, MAX_DIFF_IN_SUMMARY).map((change) => `${change.path} ${show(change.before)}→${show(change.after)}`);
  if (diff.length > MAX_DIFF_IN_SUMMARY) shown.push(`+${diff.length - MAX_DIFF_IN_SUMMARY} more`);
  return ` (${shown.join(', ')})`;
}

function isWatch(request: RecordedRequest): boolean {
  return request.verb === 'watch';
}

function queryFlag(request: RecordedRequest): string {
  const query = new URLSearchParams(request.query ?? '');
  const selector = query.get('labelSelector');
  return selector ? ` -l ${selector}` : '';
}

function commandOf(request: RecordedRequest): string {
  return request.command ?? FALLBACK_COMMAND[request.verb] ?? `kubectl ${request.verb}`;
}

/** One change: `kubectl scale deployment/storefront (spec.replicas 0→2)`, `kubectl delete pod x`. */
export function describeChange(request: RecordedRequest): string {
  const command = commandOf(request);
  const kind = singular(request.resource);
  if (request.verb === 'deletecollection') return `${command} ${request.resource}${queryFlag(request)}`;
  if (request.verb === 'delete') return `${command} ${kind} ${request.name ?? ''}`.trimEnd();
  const target = request.name ? `${kind}/${request.name}` : kind;
  return `${command} ${target}${request.verb === 'create' ? '' : describeDiff(request.change?.diff)}`;
}

/** One read: `kubectl get pods -w`, `kubectl logs web-7c9 -f`, `kubectl describe deployment web`. */
export function describeRead(request: RecordedRequest): string {
  if (request.verb === 'connect')
    return `${CONNECT_COMMAND[request.subresource ?? ''] ?? commandOf(request)} ${request.name ?? ''}`.trimEnd();
  if (request.subresource === 'log') {
    const follow = new URLSearchParams(request.query ?? '').get('follow') === 'true';
    return `kubectl logs ${request.name ?? ''}${follow ? ' -f' : ''}`;
  }
  const command = request.command ?? 'kubectl get';
  const named = request.name ? ` ${singular(request.resource)} ${request.name}` : ` ${request.resource}`;
  return `${command}${named}${queryFlag(request)}${isWatch(request) ? ' -w' : ''}`;
}

/** The one line for all requests of one kubectl invocation. */
export function describeInvocation(requests: RecordedRequest[]): string {
  const changes = requests.filter((request) => isWriteVerb(request.verb));
  if (changes.length === 1 && changes[0]) return describeChange(changes[0]);
  if (changes.length > 1) {
    const first = changes[0] as RecordedRequest;
    const targets = changes.map((request) => describeChange({ ...request, command: '' }).trim());
    return `${commandOf(first)} ${targets.join(', ')}`;
  }
  const resources = requests.filter((request) => request.resource !== '');
  const primary =
    resources.find((request) => request.verb === 'connect') ??
    resources.find((request) => request.subresource === 'log') ??
    resources.find(isWatch) ??
    resources[0] ??
    requests[0];
  return primary ? describeRead(primary) : '';
}

/** Groups requests by kubectl invocation (in order of first request) and describes each group. */
export function stepsOf(requests: RecordedRequest[]): Step[] {
  const groups = new Map<string, RecordedRequest[]>();
  requests.forEach((request, index) => {
    const key = request.clientSession ? `session:${request.clientSession}` : `request:${index}`;
    const group = groups.get(key);
    if (group) group.push(request);
    else groups.set(key, [request]);
  });
  return [...groups.values()].map((group) => ({
    at: group[0]?.at,
    summary: describeInvocation(group),
    requestIds: group.flatMap((request) => (request.id === undefined ? [] : [request.id])),
  }));
}
