// One participant request through the gateway: authenticate (failed checks rate-limited per address), run the
// pre-flight checks (preflight.ts), forward to the sandbox API server with the sandbox's credentials, answer
// with one of the response strategies (plain stream, rewritten JSON/YAML, rewritten watch), record it.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/client.ts';
import type { AuthThrottle } from './auth-throttle.ts';
import { diffObjects, redact } from './changes.ts';
import type { Authentication, GatewaySession } from './credentials.ts';
import { hideServerAddresses } from './discovery.ts';
import { hideEngine } from './engine-marks.ts';
import { forwardableHeaders } from './headers.ts';
import { sendStatus } from './kube-status.ts';
import { parseKubeRequest, type KubeRequestInfo } from './kube-url.ts';
import { isChange, preflight } from './preflight.ts';
import { recordInBackground, requestRecord, type RecordedChange } from './recorder.ts';
import { respondPlain } from './respond-plain.ts';
import { respondRewritten, type Rewrite } from './respond-rewritten.ts';
import { respondWatch } from './respond-watch.ts';
import type { Upstream } from './upstream.ts';

export interface GatewayContext {
  db: Database;
  logger: FastifyBaseLogger;
  upstream: Upstream;
  authenticate(authorization: string | undefined): Promise<Authentication>;
  /** Failed token checks per client address. */
  authThrottle: AuthThrottle;
}

/** Object encodings other than JSON: in Challenge mode they would bypass the filter. */
const UNFILTERABLE = /yaml|protobuf|cbor/i;
/** Bodies of changes are kept (redacted) up to this size; larger ones are recorded without a body. */
const MAX_RECORDED_BODY = 256 * 1024;

/**
 * Authenticates the caller; undefined once a refusal was sent: 401, or 429 once the address failed too often
 * in the last minute. A valid token always passes (participants behind one NAT are not locked out by
 * someone guessing there).
 */
export async function authenticated(
  context: GatewayContext,
  incoming: IncomingMessage,
  refuse: (code: number, message: string, headers?: Record<string, string>) => void,
): Promise<GatewaySession | undefined> {
  const auth = await context.authenticate(incoming.headers.authorization);
  if (auth.ok) return auth.session;
  const address = incoming.socket.remoteAddress ?? '';
  if (!context.authThrottle.allows(address)) {
    refuse(429, 'too many failed token checks from this address; try again later', {
      'retry-after': String(context.authThrottle.retryAfterSeconds(address)),
    });
    return undefined;
  }
  context.authThrottle.failed(address);
  refuse(401, `Unauthorized: ${auth.reason}`);
  return undefined;
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

function parseJson(buffer: Buffer | undefined): unknown {
  if (!buffer || buffer.length === 0) return undefined;
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** What the participant may see of an answer: no server address ever, no engine marks in Challenge mode. */
function rewriterFor(session: GatewaySession, info: KubeRequestInfo): Rewrite {
  const challenge = session.mode === 'challenge';
  return (body) => {
    const shown = challenge ? hideEngine(body, { named: info.name !== undefined }) : { body, hidden: false };
    return { hidden: shown.hidden, body: info.discovery ? hideServerAddresses(shown.body) : shown.body };
  };
}

export async function handleRequest(context: GatewayContext, incoming: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = performance.now();
  const info = parseKubeRequest(incoming.method ?? 'GET', incoming.url ?? '/');
  const session = await authenticated(context, incoming, (code, message, headers) => {
    incoming.resume();
    sendStatus(response, code, message, headers);
  });
  if (!session) return;
  if (!info) {
    incoming.resume();
    return sendStatus(response, 404, 'the server could not find the requested resource');
  }
  const challenge = session.mode === 'challenge';
  const change = isChange(info);
  const record = (status: number, recorded?: RecordedChange) =>
    recordInBackground(context.db, context.logger, requestRecord(session.sessionId, info, incoming.headers, started, status, recorded));

  const checked = await preflight(context.upstream, session, info, incoming);
  if (!checked.ok) {
    incoming.resume();
    sendStatus(response, checked.status, checked.message);
    return record(checked.status, change && checked.body !== undefined ? { body: redact(checked.body, info.resource) } : undefined);
  }
  const { before, representation, write } = checked;

  let headers: OutgoingHttpHeaders = forwardableHeaders(incoming.headers);
  if (representation) {
    // The gateway reads these answers: JSON only, uncompressed.
    const { 'accept-encoding': _encoding, ...rest } = headers;
    headers = { ...rest, accept: representation.upstreamAccept };
  }
  if (write) {
    const { 'content-type': _type, 'content-length': _length, 'content-encoding': _coding, ...rest } = headers;
    headers = { ...rest, ...(write.contentType ? { 'content-type': write.contentType } : {}), 'content-length': write.body.length };
  }
  const target = await context.upstream.targetFor(session);
  const { url } = target;
  let options: RequestOptions;
  if (checked.ownNamespace) {
    const engine = await target.engineOptions();
    options = { ...engine, headers: { ...headers, ...engine.headers }, path: ownNamespacePath(info, session.namespace), method: 'GET' };
  } else {
    options = {
      agent: target.agent,
      path: incoming.url,
      method: incoming.method ?? 'GET',
      headers: { ...headers, authorization: target.authorization },
    };
  }
  const recordedChange = (after: unknown): RecordedChange | undefined =>
    change ? changeOf(info, write?.decoded, before, after, challenge) : undefined;

  const upstreamRequest = httpsRequest(
    { ...options, protocol: url.protocol, hostname: url.hostname, port: url.port, ca: target.ca },
    (upstreamResponse) => {
      const status = upstreamResponse.statusCode ?? 502;
      const json = String(upstreamResponse.headers['content-type'] ?? '').startsWith('application/json');
      const rewrite = rewriterFor(session, info);
      if (representation && challenge && !json && UNFILTERABLE.test(String(upstreamResponse.headers['content-type'] ?? ''))) {
        // Asked for JSON, answered otherwise: never pass on what the filter cannot read.
        upstreamResponse.resume();
        sendStatus(response, 502, 'the sandbox answered in a form the gateway cannot filter');
        return record(502);
      }
      if (representation && json && challenge && isWatch(info)) {
        return respondWatch(upstreamResponse, response, rewrite, () => record(status));
      }
      if (representation && json) {
        return respondRewritten(upstreamResponse, response, rewrite, representation.produce, (outcome) => {
          if (!outcome.hidden) return record(outcome.status, recordedChange(outcome.body));
          sendStatus(response, 404, `${info.resource} "${info.name ?? ''}" not found`);
          record(404);
        });
      }
      respondPlain(upstreamResponse, response, change ? MAX_RECORDED_BODY : 0, (kept) => record(status, recordedChange(parseJson(kept))));
    },
  );
  upstreamRequest.on('error', (error) => {
    context.logger.warn({ err: error, sessionId: session.sessionId }, 'sandbox API server unreachable');
    sendStatus(response, 503, 'the sandbox API server is not reachable');
    record(503, recordedChange(undefined));
  });
  // The participant went away (kubectl get -w interrupted): stop the upstream watch too.
  response.on('close', () => {
    if (!response.writableFinished) upstreamRequest.destroy();
  });
  if (write) {
    upstreamRequest.end(write.body);
    return;
  }
  incoming.pipe(upstreamRequest);
}

function changeOf(info: KubeRequestInfo, body: unknown, before: unknown, after: unknown, challenge: boolean): RecordedChange {
  const clean = (object: unknown) =>
    object === undefined ? undefined : redact(challenge ? hideEngine(object).body : withScaleDefaults(info, object), info.resource);
  const afterObject = info.verb === 'delete' || info.verb === 'deletecollection' || isStatus(after) ? undefined : after;
  const recordable = body !== undefined && JSON.stringify(body).length <= MAX_RECORDED_BODY;
  return {
    ...(recordable ? { body: redact(body, info.resource) } : {}),
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
