// One participant request through the gateway: authenticate, apply the policy, forward to the sandbox API
// server with the sandbox's credentials, stream the answer back (rewritten in Challenge mode), record it.
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/client.ts';
import { diffObjects, redact } from './changes.ts';
import type { Authentication, GatewaySession } from './credentials.ts';
import { hideEngine } from './engine-marks.ts';
import { sendStatus } from './kube-status.ts';
import { parseKubeRequest, type KubeRequestInfo } from './kube-url.ts';
import { isWriteVerb } from '../domain/session-terms.ts';
import { decide, mintsToken } from './policy.ts';
import { recordInBackground, requestRecord, type RecordedChange } from './recorder.ts';
import type { Upstream } from './upstream.ts';
import { rewriteJsonLine, rewriteLines } from './watch-lines.ts';

export interface GatewayContext {
  db: Database;
  logger: FastifyBaseLogger;
  upstream: Upstream;
  authenticate(authorization: string | undefined): Promise<Authentication>;
}

/** Headers that belong to one connection, not to the request (RFC 9110 §7.6.1), plus the caller's credentials. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'authorization', 'impersonate-user', 'impersonate-group', 'impersonate-uid']);
/** Bodies of changes are kept (redacted) up to this size; larger ones are recorded without a body. */
const MAX_RECORDED_BODY = 256 * 1024;

export function forwardableHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => !HOP_BY_HOP.has(key.toLowerCase()) && !key.toLowerCase().startsWith('impersonate-extra-')));
}

/** Challenge mode must see bodies as JSON to rewrite them: no protobuf or CBOR, no compression. */
function jsonOnly(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const accept = String(headers.accept ?? 'application/json').split(',').map((type) => type.trim())
    .filter((type) => !/protobuf|cbor/i.test(type)).join(',');
  const { 'accept-encoding': _encoding, ...rest } = headers;
  return { ...rest, accept: accept || 'application/json' };
}


function parseJson(buffer: Buffer): unknown {
  try { return JSON.parse(buffer.toString('utf8')); } catch { return undefined; }
}

/** The own-Namespace reads go to a fixed path, whatever was asked: the Namespace object or a list of just it. */
function ownNamespacePath(info: KubeRequestInfo, namespace: string): string {
  if (info.name) return `/api/v1/namespaces/${encodeURIComponent(namespace)}`;
  const query = new URLSearchParams(info.query);
  query.set('fieldSelector', `metadata.name=${namespace}`);
  query.delete('labelSelector');
  return `/api/v1/namespaces?${query.toString()}`;
}

function isWatch(info: KubeRequestInfo): boolean {
  const watch = info.query.get('watch');
  return info.verb === 'watch' || watch === 'true' || watch === '1';
}

const MAX_SECRET_BODY = 1024 * 1024;

function readBody(incoming: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => { size += chunk.length; if (size <= limit) chunks.push(chunk); });
    incoming.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : 'too-large'));
    incoming.on('error', reject);
  });
}

function collect(limit: number): { push(chunk: Buffer): void; result(): Buffer | undefined } {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk) { size += chunk.length; if (size <= limit) chunks.push(chunk); },
    result: () => (size <= limit ? Buffer.concat(chunks) : undefined),
  };
}

export async function handleRequest(context: GatewayContext, incoming: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = incoming.method ?? 'GET';
  const info = parseKubeRequest(method, incoming.url ?? '/');
  const auth = await context.authenticate(incoming.headers.authorization);
  if (!auth.ok) {
    incoming.resume();
    return sendStatus(response, 401, `Unauthorized: ${auth.reason}`);
  }
  const session = auth.session;
  if (!info) {
    incoming.resume();
    return sendStatus(response, 404, 'the server could not find the requested resource');
  }
  const record = (status: number, change?: RecordedChange) =>
    recordInBackground(context.db, context.logger, requestRecord(session.sessionId, info, incoming.headers, started, status, change));
  const decision = decide(info, session);
  if (!decision.allowed) {
    incoming.resume();
    sendStatus(response, 403, decision.reason);
    return record(403);
  }
  const challenge = session.mode === 'challenge';
  const isChange = isWriteVerb(info.verb);
  // Secret writes are read whole first (they are small): one kind of Secret must not be created at all.
  const secretBody = info.resource === 'secrets' && isChange ? await readBody(incoming, MAX_SECRET_BODY) : undefined;
  const minting = secretBody === undefined ? undefined : secretBody === 'too-large' ? 'the Secret is too large' : mintsToken(info, secretBody.toString('utf8'));
  if (minting) {
    sendStatus(response, 403, minting);
    return record(403);
  }
  const before = isChange && info.name ? await context.upstream.readJson(session, info.path) : undefined;
  if (challenge && before !== undefined && hideEngine(before).hidden) {
    incoming.resume();
    sendStatus(response, 404, `${info.resource} "${info.name}" not found`);
    return record(404);
  }

  let headers = forwardableHeaders(incoming.headers);
  // Rewriting (Challenge) and diffing (changes) need JSON answers; kubectl decodes JSON whatever it asked for.
  if (challenge || isChange) headers = jsonOnly(headers);
  const target = await context.upstream.targetFor(session);
  const { url } = target;
  let options: RequestOptions;
  if (decision.ownNamespace) {
    const engine = await target.engineOptions();
    options = { ...engine, headers: { ...headers, ...engine.headers }, path: ownNamespacePath(info, session.namespace), method: 'GET' };
  } else {
    options = { agent: target.agent, path: incoming.url, method, headers: { ...headers, authorization: target.authorization } };
  }
  const requestBody = collect(isChange ? MAX_RECORDED_BODY : 0);
  const upstreamRequest = httpsRequest({ ...options, protocol: url.protocol, hostname: url.hostname, port: url.port, ca: target.ca }, (upstreamResponse) => {
    const status = upstreamResponse.statusCode ?? 502;
    const responseHeaders = forwardableHeaders(upstreamResponse.headers);
    const json = String(upstreamResponse.headers['content-type'] ?? '').startsWith('application/json');
    const finish = (after?: unknown) => record(status, isChange ? changeOf(info, requestBody.result(), before, after, challenge) : undefined);
    if (challenge && json && isWatch(info)) {
      delete responseHeaders['content-length'];
      response.writeHead(status, responseHeaders);
      response.flushHeaders();
      const hide = rewriteJsonLine((event) => { const shown = hideEngine(event); return shown.hidden ? undefined : shown.body; });
      pipeline(upstreamResponse, rewriteLines(hide), response, () => finish());
      return;
    }
    if (challenge && json) {
      const body = collect(Number.POSITIVE_INFINITY);
      upstreamResponse.on('data', (chunk: Buffer) => body.push(chunk));
      upstreamResponse.on('error', () => response.destroy());
      upstreamResponse.on('end', () => {
        const parsed = parseJson(body.result() ?? Buffer.alloc(0));
        const shown = hideEngine(parsed, { named: info.name !== undefined });
        if (shown.hidden) {
          sendStatus(response, 404, `${info.resource} "${info.name ?? ''}" not found`);
          return record(404);
        }
        const text = parsed === undefined ? (body.result() ?? Buffer.alloc(0)) : Buffer.from(JSON.stringify(shown.body));
        response.writeHead(status, { ...responseHeaders, 'content-length': text.length });
        response.end(text);
        finish(shown.body);
      });
      return;
    }
    response.writeHead(status, responseHeaders);
    const responseBody = collect(isChange ? MAX_RECORDED_BODY : 0);
    if (isChange) upstreamResponse.on('data', (chunk: Buffer) => responseBody.push(chunk));
    pipeline(upstreamResponse, response, () => finish(isChange ? parseJson(responseBody.result() ?? Buffer.alloc(0)) : undefined));
  });
  upstreamRequest.on('error', (error) => {
    context.logger.warn({ err: error, sessionId: session.sessionId }, 'sandbox API server unreachable');
    sendStatus(response, 503, 'the sandbox API server is not reachable');
    record(503);
  });
  // The participant went away (kubectl get -w interrupted): stop the upstream watch too.
  response.on('close', () => { if (!response.writableFinished) upstreamRequest.destroy(); });
  if (secretBody instanceof Buffer) {
    requestBody.push(secretBody);
    upstreamRequest.end(secretBody);
    return;
  }
  if (isChange) incoming.on('data', (chunk: Buffer) => requestBody.push(chunk));
  incoming.pipe(upstreamRequest);
}

function changeOf(info: KubeRequestInfo, body: Buffer | undefined, before: unknown, after: unknown, challenge: boolean): RecordedChange {
  const parsed = body && body.length > 0 ? parseJson(body) : undefined;
  const clean = (object: unknown) => (object === undefined ? undefined : redact(challenge ? hideEngine(object).body : withScaleDefaults(info, object), info.resource));
  const afterObject = info.verb === 'delete' || info.verb === 'deletecollection' || isStatus(after) ? undefined : after;
  return {
    ...(parsed !== undefined ? { body: redact(parsed, info.resource) } : {}),
    ...(info.verb === 'update' || info.verb === 'patch' ? { diff: diffObjects(clean(before), clean(afterObject)) } : {}),
  };
}

/** A Scale omits `replicas: 0` (Go's omitempty): say 0, so scaling up from zero reads `0→2`, not `∅→2`. */
function withScaleDefaults(info: KubeRequestInfo, object: unknown): unknown {
  if (info.subresource !== 'scale' || typeof object !== 'object' || object === null) return object;
  const scale = object as { spec?: { replicas?: number } };
  return { ...scale, spec: { ...scale.spec, replicas: scale.spec?.replicas ?? 0 } };
}

function isStatus(object: unknown): boolean {
  return typeof object === 'object' && object !== null && (object as { kind?: unknown }).kind === 'Status';
}

export type { GatewaySession };
