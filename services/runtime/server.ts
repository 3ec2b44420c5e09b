// The HTTP server every program runs: routes, JSON bodies, a span per request, a log line and metrics per
// request, /healthz (alive), /readyz (started) and /metrics. Listens on 0.0.0.0:$PORT (8080).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { errorText, log, setLogService } from './log.ts';
import { observeRequest, registry, startMetrics } from './metrics.ts';
import { inSpan, spanFrom } from './trace.ts';

export interface Request {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface Reply {
  status?: number;
  body: unknown;
  /** Sent as is instead of JSON (e.g. text/html). */
  contentType?: string;
}

export type Handler = (request: Request) => Promise<Reply>;

export interface Route {
  method: string;
  /** `/api/cart/:user/items`: `:name` segments become params. */
  path: string;
  handler: Handler;
}

/** A failure with the status the caller gets (502 for an upstream that failed, 400 for a bad request). */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

export interface ServiceOptions {
  name: string;
  routes: Route[];
  /** Runs before the server listens (a slow one delays liveness and readiness alike). */
  init?: () => Promise<void>;
}

const OWN_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

function match(route: Route, method: string, path: string): Record<string, string> | undefined {
  if (route.method !== method) return undefined;
  const want = route.path.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const value = got[i] ?? '';
    if (part.startsWith(':') && value !== '') params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return undefined;
  }
  return params;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown, contentType?: string): void {
  const text = contentType ? String(body) : JSON.stringify(body);
  response.writeHead(status, { 'content-type': contentType ?? 'application/json' });
  response.end(text);
}

async function serveOwn(path: string, response: ServerResponse): Promise<void> {
  if (path === '/metrics') send(response, 200, await registry.metrics(), registry.contentType);
  else send(response, 200, { status: 'ok' });
}

async function serve(routes: Route[], request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://service');
  const method = request.method ?? 'GET';
  if (OWN_ROUTES.has(url.pathname)) return serveOwn(url.pathname, response);
  const started = performance.now();
  const span = spanFrom(request.headers.traceparent as string | undefined);
  await inSpan(span, async () => {
    let route = 'unmatched';
    let reply: Reply;
    let error: string | undefined;
    try {
      const found = routes.map((r) => ({ r, params: match(r, method, url.pathname) })).find((m) => m.params);
      if (!found?.params) throw new HttpError(404, `no route for ${method} ${url.pathname}`);
      route = found.r.path;
      reply = await found.r.handler({
        method,
        path: url.pathname,
        params: found.params,
        query: url.searchParams,
        body: await readBody(request),
      });
    } catch (caught) {
      error = errorText(caught);
      reply = { status: caught instanceof HttpError ? caught.status : 500, body: { error } };
    }
    const status = reply.status ?? 200;
    const durationMs = performance.now() - started;
    observeRequest(route, method, status, durationMs / 1000);
    // Logged before the answer is sent: whoever got the answer finds the line already written.
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    log(level, `${method} ${url.pathname} ${status}`, {
      method,
      route,
      status,
      duration_ms: Math.round(durationMs * 10) / 10,
      ...(error && { error }),
    });
    send(response, status, reply.body, reply.contentType);
  });
}

export async function runService(options: ServiceOptions): Promise<void> {
  setLogService(options.name);
  startMetrics(options.name);
  const port = Number(process.env.PORT ?? 8080);
  process.on('SIGTERM', () => {
    log('info', 'stopping (SIGTERM)');
    process.exit(0);
  });
  try {
    await options.init?.();
  } catch (error) {
    log('error', 'start failed', { error: errorText(error) });
    process.exit(1);
  }
  const server = createServer((request, response) => void serve(options.routes, request, response));
  server.keepAliveTimeout = 65_000;
  server.listen(port, '0.0.0.0', () => log('info', `listening on 0.0.0.0:${port}`));
}
