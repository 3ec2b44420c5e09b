// A write's body as the API server would decode it. The gateway decides on this decoded value, never on the
// raw bytes (an escaped `\u002f` or a folded YAML scalar says the same thing as the plain text). YAML is
// forwarded as the JSON the gateway decoded, so the API server sees exactly what was checked; JSON is
// forwarded as sent (it decodes the same everywhere, and keeps 64-bit integers intact). Encodings the
// gateway cannot decode (protobuf, CBOR, compressed bodies) are refused.
import { parse as parseYaml } from 'yaml';

export type WriteEncoding = 'json' | 'yaml' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

export type DecodedWrite =
  | { ok: true; encoding: WriteEncoding; value: unknown; body: Buffer; contentType: string | undefined }
  | { ok: false; status: 400 | 415; message: string };

const ENCODINGS: Record<string, WriteEncoding> = {
  'application/json': 'json',
  'application/yaml': 'yaml',
  'application/json-patch+json': 'json-patch',
  'application/merge-patch+json': 'merge-patch',
  'application/strategic-merge-patch+json': 'strategic-merge-patch',
  'application/apply-patch+yaml': 'apply-patch',
};

const YAML_OPTIONS = { version: '1.1', merge: true, uniqueKeys: true, maxAliasCount: 100 } as const;

export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parse(encoding: WriteEncoding, text: string): unknown {
  return encoding === 'yaml' || encoding === 'apply-patch' ? parseYaml(text, YAML_OPTIONS) : JSON.parse(text);
}

/**
 * `method` decides what an absent Content-Type means: the API server reads it as JSON for POST and PUT and
 * refuses it for PATCH. An empty body (a DELETE without options) passes as undefined.
 */
export function decodeWrite(
  method: string,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  body: Buffer,
): DecodedWrite {
  if (body.length === 0) return { ok: true, encoding: 'json', value: undefined, body, contentType };
  if (contentEncoding && contentEncoding.trim().toLowerCase() !== 'identity') {
    return { ok: false, status: 415, message: `the gateway cannot decode request bodies with Content-Encoding ${contentEncoding}` };
  }
  const media = mediaTypeOf(contentType);
  const encoding = media === '' && method !== 'PATCH' ? 'json' : ENCODINGS[media];
  if (!encoding) {
    return {
      ok: false,
      status: 415,
      message: `the gateway decides on the objects it forwards and cannot decode ${media || 'a body without a Content-Type'}; send JSON or YAML`,
    };
  }
  let value: unknown;
  try {
    value = parse(encoding, body.toString('utf8'));
  } catch (error) {
    return {
      ok: false,
      status: 400,
      message: `the request body is not valid ${encoding === 'yaml' || encoding === 'apply-patch' ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  if (encoding === 'json-patch' ? !Array.isArray(value) : !(typeof value === 'object' && value !== null && !Array.isArray(value))) {
    return {
      ok: false,
      status: 400,
      message: `the request body is not a ${encoding === 'json-patch' ? 'JSON patch (a list of operations)' : 'single object'}`,
    };
  }
  if (encoding === 'yaml') return { ok: true, encoding, value, body: Buffer.from(JSON.stringify(value)), contentType: 'application/json' };
  // kubectl apply --server-side sends JSON: forwarded as sent, like any JSON.
  if (encoding === 'apply-patch' && isJson(body.toString('utf8')))
    return { ok: true, encoding, value: JSON.parse(body.toString('utf8')) as unknown, body, contentType };
  if (encoding === 'apply-patch')
    return { ok: true, encoding, value, body: Buffer.from(JSON.stringify(value)), contentType: 'application/apply-patch+yaml' };
  return { ok: true, encoding, value, body, contentType };
}
