// Everything decided before a request is forwarded: the policy on what it addresses, the decoded body of a
// write and the object it would leave behind, Challenge mode's hidden objects, and the representation the
// answer will be read in. A refusal comes back as a status and message; nothing has reached the sandbox.
import type { IncomingMessage } from 'node:http';
import type { GatewaySession } from './credentials.ts';
import { hideEngine } from './engine-marks.ts';
import type { KubeRequestInfo } from './kube-url.ts';
import { isWriteVerb } from '../domain/session-terms.ts';
import { decide, mintsToken } from './policy.ts';
import { negotiate, type Representation } from './representation.ts';
import { resultingObject } from './resulting-object.ts';
import type { Upstream } from './upstream.ts';
import { decodeWrite } from './write-body.ts';

/** The API server's own limit on a request body (3 MiB). */
const MAX_WRITE_BODY = 3 * 1024 * 1024;

export type Preflight =
  | { ok: false; status: number; message: string; body?: unknown }
  | {
      ok: true;
      /** Forwarded only for the session's own Namespace (read with the engine's credentials). */
      ownNamespace: boolean;
      /** A write's body as forwarded, with its Content-Type; undefined for reads (the request streams). */
      write?: { body: Buffer; contentType: string | undefined; decoded: unknown };
      /** The object before a named change, for the recorded diff. */
      before: unknown;
      /** Set when the gateway reads the answer (Challenge mode, discovery, changes): what to ask and give. */
      representation?: Representation;
    };

function readBody(incoming: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    incoming.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : 'too-large'));
    incoming.on('error', reject);
  });
}

export function isChange(info: KubeRequestInfo): boolean {
  return isWriteVerb(info.verb);
}

export async function preflight(
  upstream: Upstream,
  session: GatewaySession,
  info: KubeRequestInfo,
  incoming: IncomingMessage,
): Promise<Preflight> {
  const decision = decide(info, session);
  if (!decision.allowed) return { ok: false, status: 403, message: decision.reason };
  const challenge = session.mode === 'challenge';
  const change = isChange(info);
  let representation: Representation | undefined;
  // OpenAPI documents and /version carry no objects and no address: they pass as the API server gives them.
  const groupDiscovery = info.discovery && /^\/apis?(\/|$)/.test(info.path);
  // Logs and proxied answers are not API objects: whatever the client accepts (text, HTML) passes.
  const objects = !info.discovery && info.verb !== 'connect' && info.subresource !== 'log';
  if ((challenge && objects) || groupDiscovery || change) {
    representation = negotiate(incoming.headers.accept);
    if (!representation)
      return { ok: false, status: 406, message: `the gateway answers in JSON or YAML only, not ${incoming.headers.accept ?? ''}` };
  }
  if (!change) return { ok: true, ownNamespace: decision.ownNamespace === true, before: undefined, representation };

  const raw = await readBody(incoming, MAX_WRITE_BODY);
  if (raw === 'too-large') return { ok: false, status: 413, message: 'the request body is larger than the API server accepts' };
  const decoded = decodeWrite(incoming.method ?? 'POST', incoming.headers['content-type'], incoming.headers['content-encoding'], raw);
  if (!decoded.ok) return { ok: false, status: decoded.status, message: decoded.message };
  const before = info.name ? await upstream.readJson(session, info.path) : undefined;
  if (challenge && before !== undefined && hideEngine(before).hidden) {
    return { ok: false, status: 404, message: `${info.resource} "${info.name}" not found`, body: decoded.value };
  }
  const minting = mintsToken(info, resultingObject(decoded.encoding, decoded.value, before));
  if (minting) return { ok: false, status: 403, message: minting, body: decoded.value };
  return {
    ok: true,
    ownNamespace: false,
    before,
    representation,
    write: { body: decoded.body, contentType: decoded.contentType, decoded: decoded.value },
  };
}
