// What the gateway asks the API server for when it must read an answer (Challenge mode, discovery, changes),
// and what it gives back: the API server always answers in JSON (a Table too, as JSON), the gateway rewrites
// that one form and encodes YAML itself. So no representation a client can ask for (YAML, protobuf, CBOR)
// reaches it unfiltered.
import { stringify } from 'yaml';

export type Produced = 'json' | 'yaml';

export interface Representation {
  /** The Accept header for the API server: JSON forms only, with their parameters (`as=Table;v=v1;g=meta.k8s.io`). */
  upstreamAccept: string;
  /** What the client gets. */
  produce: Produced;
}

const JSON_TYPES = new Set(['application/json', 'application/*', '*/*']);

/** Undefined when the client accepts nothing the gateway can produce (only protobuf or CBOR): 406. */
export function negotiate(accept: string | undefined): Representation | undefined {
  const entries = (accept?.trim() ? accept : 'application/json')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const upstream: string[] = [];
  let produce: Produced | undefined;
  for (const entry of entries) {
    const [type = '', ...params] = entry.split(';').map((part) => part.trim());
    const media = type.toLowerCase();
    const parameters = params.filter((param) => !/^q=/i.test(param));
    let kind: Produced | undefined;
    if (JSON_TYPES.has(media)) kind = 'json';
    else if (media === 'application/yaml') kind = 'yaml';
    if (!kind) continue;
    produce ??= kind;
    upstream.push(['application/json', ...parameters].join(';'));
  }
  if (!produce) return undefined;
  return { upstreamAccept: [...new Set(upstream)].join(','), produce };
}

/**
 * `upstreamType` is the API server's Content-Type: its parameters say which form the body is (an aggregated
 * discovery document, a Table), and clients read them, so they are kept.
 */
export function encode(value: unknown, produce: Produced, upstreamType = 'application/json'): { body: Buffer; contentType: string } {
  const parameters = upstreamType
    .split(';')
    .slice(1)
    .map((part) => part.trim())
    .filter((part) => part && !/^charset=/i.test(part));
  if (produce === 'yaml') return { body: Buffer.from(stringify(value)), contentType: ['application/yaml', ...parameters].join(';') };
  return { body: Buffer.from(JSON.stringify(value)), contentType: upstreamType };
}
