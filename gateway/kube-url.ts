// Parses a Kubernetes API request (method + URL) into what it asks for, the way the apiserver's
// RequestInfoFactory does: verb, API group, version, resource, namespace, name, subresource.

export interface KubeRequestInfo {
  /** Discovery and metadata endpoints (/api, /apis, /version, /openapi/…): no object is read or written. */
  discovery: boolean;
  verb: string;
  apiGroup: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
}

/** Subresources that open a stream to a container: the apiserver's `connect` verb. */
const CONNECT_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);

function isWatch(query: URLSearchParams): boolean {
  const watch = query.get('watch');
  return watch === 'true' || watch === '1';
}

function verbOf(method: string, named: boolean, query: URLSearchParams, subresource: string | undefined): string {
  if (subresource && CONNECT_SUBRESOURCES.has(subresource)) return 'connect';
  switch (method) {
    case 'GET':
    case 'HEAD':
      return named ? 'get' : isWatch(query) ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/**
 * The decoded path segments, read from the raw path exactly as it is forwarded: no dot-segment resolution
 * (WHATWG URL would turn `pods/%2e%2e/..` into another path than the apiserver sees), and no empty, `.`,
 * `..` or slash-containing segments at all.
 */
function segmentsOf(rawPath: string): string[] | undefined {
  if (!rawPath.startsWith('/') || rawPath === '/') return undefined;
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '' || segment === '.' || segment === '..' || segment.includes('/')) return undefined;
    segments.push(segment);
  }
  return segments;
}

const DISCOVERY_ROOTS = new Set(['version', 'openapi']);

/** Returns undefined for paths that are not Kubernetes API requests (they are refused). */
export function parseKubeRequest(method: string, url: string): KubeRequestInfo | undefined {
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const query = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1));
  const segments = segmentsOf(path);
  if (!segments) return undefined;
  const base = { path, query, apiGroup: '', version: '', resource: '' };
  const [root] = segments;
  if (root && DISCOVERY_ROOTS.has(root)) return method === 'GET' ? { ...base, discovery: true, verb: 'get' } : undefined;
  let rest: string[];
  if (root === 'api') {
    if (segments.length <= 2) return method === 'GET' ? { ...base, discovery: true, verb: 'get', version: segments[1] ?? '' } : undefined;
    base.version = segments[1] ?? '';
    rest = segments.slice(2);
  } else if (root === 'apis') {
    if (segments.length <= 3) {
      return method === 'GET'
        ? { ...base, discovery: true, verb: 'get', apiGroup: segments[1] ?? '', version: segments[2] ?? '' }
        : undefined;
    }
    base.apiGroup = segments[1] ?? '';
    base.version = segments[2] ?? '';
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  // namespaces/<ns>/<resource>… is namespaced; namespaces/<ns> alone (or /status, /finalize) is the Namespace object.
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    rest = rest.slice(2);
  } else if (rest[0] === 'namespaces' && rest[1]) {
    namespace = rest[1];
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || (extra.length > 0 && subresource !== 'proxy')) return undefined;
  return {
    ...base,
    discovery: false,
    resource,
    namespace,
    name,
    subresource,
    verb: verbOf(method, name !== undefined, query, subresource),
  };
}
