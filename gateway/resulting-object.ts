// The object a write leaves behind, as the API server would compute it from the object before (undefined
// when there is none) and the decoded body: the body itself for a create or update, the patch applied for
// merge, strategic-merge, JSON patches and server-side apply. Used to decide on what a write means.
import type { WriteEncoding } from './write-body.ts';

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7386; a strategic-merge patch's `$` directives are dropped (`$patch: replace` replaces, `delete` deletes). */
function mergePatch(target: unknown, patch: unknown, strategic: boolean): unknown {
  if (!isRecord(patch)) return patch;
  if (strategic && patch.$patch === 'delete') return undefined;
  const base = strategic && patch.$patch === 'replace' ? {} : isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (strategic && key.startsWith('$')) continue;
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value, strategic);
  }
  return base;
}

/** RFC 6901: `~1` is `/`, `~0` is `~`. */
function pointer(path: unknown): string[] | undefined {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) return undefined;
  return path === ''
    ? []
    : path
        .slice(1)
        .split('/')
        .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(document: unknown, tokens: string[]): { parent: Json | unknown[]; key: string } | undefined {
  let parent: unknown = document;
  for (const token of tokens.slice(0, -1)) {
    parent = Array.isArray(parent) ? parent[Number(token)] : isRecord(parent) ? parent[token] : undefined;
  }
  const key = tokens.at(-1);
  return key !== undefined && (Array.isArray(parent) || isRecord(parent)) ? { parent, key } : undefined;
}

function read(document: unknown, tokens: string[]): unknown {
  return tokens.reduce<unknown>(
    (node, token) => (Array.isArray(node) ? node[Number(token)] : isRecord(node) ? node[token] : undefined),
    document,
  );
}

function remove(document: unknown, tokens: string[]): void {
  const at = parentOf(document, tokens);
  if (!at) return;
  if (Array.isArray(at.parent)) at.parent.splice(Number(at.key), 1);
  else delete at.parent[at.key];
}

function put(document: unknown, tokens: string[], value: unknown, insert: boolean): unknown {
  if (tokens.length === 0) return value;
  const at = parentOf(document, tokens);
  if (!at) return document;
  if (Array.isArray(at.parent)) {
    const index = at.key === '-' ? at.parent.length : Number(at.key);
    at.parent.splice(index, insert ? 0 : 1, value);
  } else {
    at.parent[at.key] = value;
  }
  return document;
}

/** RFC 6902, leniently: an operation that does not apply is skipped (the API server refuses the whole patch). */
function jsonPatch(target: unknown, operations: unknown[]): unknown {
  let document: unknown = structuredClone(target ?? {});
  for (const operation of operations) {
    if (!isRecord(operation)) continue;
    const path = pointer(operation.path);
    if (!path) continue;
    const value = structuredClone(operation.value);
    switch (operation.op) {
      case 'add':
        document = put(document, path, value, true);
        break;
      case 'replace':
        document = put(document, path, value, false);
        break;
      case 'remove':
        remove(document, path);
        break;
      case 'copy':
      case 'move': {
        const from = pointer(operation.from);
        if (!from) break;
        const moved = structuredClone(read(document, from));
        if (operation.op === 'move') remove(document, from);
        document = put(document, path, moved, true);
        break;
      }
      default:
        break;
    }
  }
  return document;
}

export function resultingObject(encoding: WriteEncoding, body: unknown, before: unknown): unknown {
  switch (encoding) {
    case 'json':
    case 'yaml':
      return body;
    case 'merge-patch':
      return mergePatch(before, body, false);
    case 'strategic-merge-patch':
      return mergePatch(before, body, true);
    // Server-side apply sets the fields it names and keeps the others (for a decision, a merge).
    case 'apply-patch':
      return mergePatch(before, body, false);
    case 'json-patch':
      return jsonPatch(before, Array.isArray(body) ? body : []);
  }
}
