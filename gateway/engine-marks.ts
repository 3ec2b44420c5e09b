// Challenge mode hides the engine from participants: its label and annotation keys are removed from every
// object in a response (single objects, lists, server-side-printed Tables, watch events), and objects that
// make up a fault are left out entirely, as if they did not exist.
import { FAULT_LABEL, isEngineKey, LOAD_GENERATOR_LABEL, LOAD_GENERATOR_NAME, MANAGED_BY, MANAGED_BY_LABEL } from '../cluster/labels.ts';
import { FAULT_API_GROUP } from './policy.ts';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The engine's own keys, and the `managed-by` label it stamps on everything it deploys. */
function isEngineMark(key: string, value?: unknown): boolean {
  return isEngineKey(key) || (key === MANAGED_BY_LABEL && (value === undefined || value === MANAGED_BY));
}

function withoutEngineKeys(map: unknown): unknown {
  if (!isRecord(map)) return map;
  return Object.fromEntries(Object.entries(map).filter(([key, value]) => !isEngineMark(key, value)));
}

/** managedFields name every label key set (`f:failurelib.dev/session`): drop those entries too (the values are not there: every managed-by entry goes). */
function withoutEngineFieldPaths(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEngineFieldPaths);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !(key.startsWith('f:') && isEngineMark(key.slice(2))))
      .map(([key, inner]) => [key, withoutEngineFieldPaths(inner)]),
  );
}

function cleanMetadata(metadata: unknown): unknown {
  if (!isRecord(metadata)) return metadata;
  const cleaned: Json = { ...metadata };
  if ('labels' in cleaned) cleaned.labels = withoutEngineKeys(cleaned.labels);
  if ('annotations' in cleaned) cleaned.annotations = withoutEngineKeys(cleaned.annotations);
  if ('managedFields' in cleaned) cleaned.managedFields = withoutEngineFieldPaths(cleaned.managedFields);
  return cleaned;
}

/** The load generator's objects (Deployment, Service, ConfigMap, NetworkPolicy) and what controllers name after them. */
const isLoadGeneratorName = (name: unknown) =>
  typeof name === 'string' && (name === LOAD_GENERATOR_NAME || name.startsWith(`${LOAD_GENERATOR_NAME}-`));
/** An Event's name is `<the object's name>.<hex>`: what a Table row's PartialObjectMetadata carries of it. */
const LOAD_GENERATOR_EVENT_NAME = new RegExp(`^${LOAD_GENERATOR_NAME}(-[a-z0-9-]+)?\.[0-9a-f]+$`);

/**
 * Events about the load generator (its Deployment scaled, its ReplicaSet's pods created, scheduled, pulled,
 * started): core/v1 Events name it in `involvedObject`, events.k8s.io/v1 in `regarding`, a Table row's metadata in
 * the event's own name. They carry none of its labels, so they are told by the name.
 */
function isLoadGeneratorEvent(object: Json): boolean {
  for (const field of ['involvedObject', 'regarding', 'related']) {
    const reference = object[field];
    if (isRecord(reference) && isLoadGeneratorName(reference.name)) return true;
  }
  const name = isRecord(object.metadata) ? object.metadata.name : undefined;
  return typeof name === 'string' && LOAD_GENERATOR_EVENT_NAME.test(name);
}

/** True for objects that are (part of) an injected fault, or the engine's load generator (its objects, pods and events). */
export function isFaultObject(object: unknown): boolean {
  if (!isRecord(object)) return false;
  if (typeof object.apiVersion === 'string' && object.apiVersion.startsWith(`${FAULT_API_GROUP}/`)) return true;
  const labels = isRecord(object.metadata) ? object.metadata.labels : undefined;
  if (isRecord(labels) && (FAULT_LABEL in labels || LOAD_GENERATOR_LABEL in labels)) return true;
  return isLoadGeneratorEvent(object);
}

function cleanObject(object: Json): Json {
  const cleaned: Json = { ...object, metadata: cleanMetadata(object.metadata) };
  // Workload templates carry metadata of their own (pods inherit it).
  const spec = object.spec;
  if (isRecord(spec) && isRecord(spec.template))
    cleaned.spec = { ...spec, template: { ...spec.template, metadata: cleanMetadata(spec.template.metadata) } };
  return cleaned;
}

/**
 * The response body as a Challenge-mode participant may see it, or `hidden` when the whole body is a fault
 * object (the caller answers 404 as if it did not exist).
 */
export function hideEngine(body: unknown, { named = false }: { named?: boolean } = {}): { body: unknown; hidden: boolean } {
  if (!isRecord(body)) return { body, hidden: false };
  if (body.kind === 'Status' || body.kind === 'APIResourceList') return { body, hidden: false };
  if (body.kind === 'APIGroupList' && Array.isArray(body.groups)) {
    return {
      body: { ...body, groups: body.groups.filter((group) => !(isRecord(group) && group.name === FAULT_API_GROUP)) },
      hidden: false,
    };
  }
  if (body.kind === 'APIGroupDiscoveryList' && Array.isArray(body.items)) {
    const items = body.items.filter((item) => !(isRecord(item) && isRecord(item.metadata) && item.metadata.name === FAULT_API_GROUP));
    return { body: { ...body, items }, hidden: false };
  }
  if (body.kind === 'Table' && Array.isArray(body.rows)) {
    const rows = body.rows
      .filter((row) => !(isRecord(row) && isFaultObject(row.object)))
      .map((row) => (isRecord(row) && isRecord(row.object) ? { ...row, object: cleanObject(row.object) } : row));
    // A Table for one named object (kubectl get configmap x) whose only row was a fault: it does not exist.
    return { body: { ...body, rows }, hidden: named && rows.length === 0 && body.rows.length > 0 };
  }
  if (typeof body.type === 'string' && isRecord(body.object) && !('kind' in body)) {
    // A watch event: its object may itself be a Table (kubectl get -w).
    if (isFaultObject(body.object)) return { body, hidden: true };
    return { body: { ...body, object: hideEngine(body.object).body }, hidden: false };
  }
  if (Array.isArray(body.items)) {
    const items = body.items.filter((item) => !isFaultObject(item)).map((item) => (isRecord(item) ? cleanObject(item) : item));
    return { body: { ...cleanObject(body), items }, hidden: false };
  }
  if (isFaultObject(body)) return { body, hidden: true };
  return { body: cleanObject(body), hidden: false };
}
