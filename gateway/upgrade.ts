// Connection upgrades (kubectl exec / attach / port-forward over WebSocket or SPDY): after the same checks
// as any request, the raw connection is spliced to the sandbox API server with the Authorization replaced.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { connect } from 'node:tls';
import { kubeStatus } from './kube-status.ts';
import { authenticated, type GatewayContext } from './forward.ts';
import { parseKubeRequest } from './kube-url.ts';
import { decide } from './policy.ts';
import { recordInBackground, requestRecord } from './recorder.ts';

const REFUSAL_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

function refuse(socket: Duplex, code: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(kubeStatus(code, message));
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${code} ${REFUSAL_TEXT[code] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}connection: close\r\n\r\n${body}`,
  );
}

/** The request line and headers for the upstream: the caller's own, minus credentials and Host. */
function requestHead(incoming: IncomingMessage, host: string, authorization: string): string {
  const lines = [`${incoming.method ?? 'GET'} ${incoming.url ?? '/'} HTTP/1.1`, `Host: ${host}`, `Authorization: ${authorization}`];
  const raw = incoming.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] as string;
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'authorization' || lower.startsWith('impersonate-')) continue;
    lines.push(`${name}: ${raw[index + 1] as string}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export async function handleUpgrade(context: GatewayContext, incoming: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const started = performance.now();
  socket.on('error', () => socket.destroy());
  const session = await authenticated(context, incoming, (code, message, headers) => refuse(socket, code, message, headers));
  if (!session) return;
  const info = parseKubeRequest(incoming.method ?? 'GET', incoming.url ?? '/');
  if (!info) return refuse(socket, 404, 'the server could not find the requested resource');
  let status = 0;
  let recorded = false;
  // Recorded once the sandbox answered (101 or a refusal): an exec session may stay open for an hour.
  const record = (): void => {
    if (recorded) return;
    recorded = true;
    recordInBackground(context.db, context.logger, requestRecord(session.sessionId, info, incoming.headers, started, status));
  };
  const decision = decide(info, session);
  if (!decision.allowed || decision.ownNamespace) {
    status = 403;
    refuse(socket, 403, decision.allowed ? 'cannot upgrade this request' : decision.reason);
    return record();
  }
  const { url, ca, authorization } = await context.upstream.targetFor(session);
  const upstream = connect({
    host: url.hostname,
    port: Number(url.port || 443),
    ca,
    servername: isIP(url.hostname) ? undefined : url.hostname,
    ALPNProtocols: ['http/1.1'],
  });
  upstream.once('secureConnect', () => {
    upstream.write(requestHead(incoming, url.host, authorization));
    if (head.length > 0) upstream.write(head);
    upstream.once('data', (chunk: Buffer) => {
      status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(chunk.toString('latin1', 0, 16))?.[1] ?? 0);
      record();
    });
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', (error) => {
    context.logger.warn({ err: error, sessionId: session.sessionId }, 'upgrade to the sandbox API server failed');
    if (status === 0) {
      status = 503;
      refuse(socket, 503, 'the sandbox API server is not reachable');
    } else socket.destroy();
    record();
  });
  socket.on('close', () => {
    upstream.destroy();
    record();
  });
  upstream.on('close', () => socket.destroy());
}
