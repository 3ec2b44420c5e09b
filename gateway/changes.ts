// What a change did, safe to store: the request body with secrets redacted, and the fields that changed
// between the object before and after (Secret values and tokens never leave as text).
import type { FieldChange } from '../db/schema.ts';

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export const REDACTED = '(redacted)';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MAX_DIFF_ENTRIES = 50;
const MAX_VALUE_CHARS = 300;

function redactValues(map: unknown): unknown {
  return isRecord(map) ? Object.fromEntries(Object.keys(map).map((key) => [key, REDACTED])) : map;
}

/** A Secret-like object (or a merge patch of one) with its values and last-applied copy replaced. */
function redactSecretObject(object: Json): Json {
  const out: Json = { ...object };
  if ('data' in out) out.data = redactValues(out.data);
  if ('stringData' in out) out.stringData = redactValues(out.stringData);
  if (isRecord(out.metadata) && isRecord(out.metadata.annotations) && LAST_APPLIED in out.metadata.annotations) {
    out.metadata = { ...out.metadata, annotations: { ...out.metadata.annotations, [LAST_APPLIED]: REDACTED } };
  }
  return out;
}

/**
 * The body with every secret replaced by "(redacted)": Secret data/stringData (objects, lists, merge and
 * JSON patches), and tokens (TokenRequest status). `resource` is the request's resource.
 */
export function redact(body: unknown, resource: string): unknown {
  if (Array.isArray(body)) {
    // A JSON patch: ops on a Secret carry values; any op value may be a secret.
    if (resource === 'secrets') return body.map((op) => (isRecord(op) && 'value' in op ? { ...op, value: REDACTED } : op));
    return body.map((item) => redact(item, resource));
  }
  if (!isRecord(body)) return body;
  if (Array.isArray(body.items)) return { ...body, items: body.items.map((item) => redact(item, resource)) };
  if (body.kind === 'Secret' || (resource === 'secrets' && body.kind === undefined) || resource === 'secrets')
    return redactSecretObject(body);
  if (body.kind === 'TokenRequest' && isRecord(body.status)) return { ...body, status: { ...body.status, token: REDACTED } };
  return body;
}

/** Fields the apiserver or controllers change on every write: not the participant's doing. */
const IGNORED = new Set([
  'metadata.resourceVersion',
  'metadata.managedFields',
  'metadata.generation',
  'metadata.uid',
  'metadata.creationTimestamp',
  'metadata.selfLink',
  'status',
  `metadata.annotations["${LAST_APPLIED}"]`,
  'metadata.annotations["deployment.kubernetes.io/revision"]',
]);

function pathOf(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

function leaves(value: unknown, path: string, out: Map<string, unknown>): void {
  if (IGNORED.has(path)) return;
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((item, index) => leaves(item, `${path}[${index}]`, out));
  } else if (isRecord(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) leaves(inner, pathOf(path, key), out);
  } else {
    out.set(path, value);
  }
}

function shorten(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text !== undefined && text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : value;
}

/** The leaf fields that differ between two versions of an object, in document order. */
export function diffObjects(before: unknown, after: unknown): FieldChange[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  if (before !== undefined) leaves(before, '', a);
  if (after !== undefined) leaves(after, '', b);
  const changes: FieldChange[] = [];
  // An empty object or list that gained (or lost) children on the other side is not a change of its own.
  const hasChildren = (leafs: Map<string, unknown>, path: string) =>
    [...leafs.keys()].some((other) => other.startsWith(`${path}.`) || other.startsWith(`${path}[`));
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (JSON.stringify(a.get(path)) === JSON.stringify(b.get(path))) continue;
    if ((!b.has(path) && hasChildren(b, path)) || (!a.has(path) && hasChildren(a, path))) continue;
    changes.push({
      path,
      ...(a.has(path) ? { before: shorten(a.get(path)) } : {}),
      ...(b.has(path) ? { after: shorten(b.get(path)) } : {}),
    });
    if (changes.length >= MAX_DIFF_ENTRIES) break;
  }
  return changes;
}
