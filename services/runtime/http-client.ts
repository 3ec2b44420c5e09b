// Calls to other services: JSON over HTTP(S) with a timeout, carrying the current trace (`traceparent`).
// A failure names the call and its real cause (`GET http://catalog/products: connect ECONNREFUSED 10.96.0.12:80`).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HttpError } from './server.ts';
import { outgoingTraceparent } from './trace.ts';

export interface CallOptions {
  method?: string;
  body?: unknown;
  timeoutMs?: number;
}

export interface CallResult {
  status: number;
  body: unknown;
}

/** One request; resolves with any status, rejects (HttpError 502/504) when no answer came. */
export function call(url: string, options: CallOptions = {}): Promise<CallResult> {
  const method = options.method ?? 'GET';
  const what = `${method} ${url}`;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method,
      timeout: options.timeoutMs ?? 2000,
      headers: { traceparent: outgoingTraceparent(), accept: 'application/json', ...(payload && { 'content-type': 'application/json' }) },
    });
    request.once('timeout', () => request.destroy(new HttpError(504, `${what}: no answer within ${options.timeoutMs ?? 2000} ms`)));
    request.once('error', (error) => reject(error instanceof HttpError ? error : new HttpError(502, `${what}: ${error.message}`)));
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', (error) => reject(new HttpError(502, `${what}: ${error.message}`)));
      response.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          // not JSON: kept as text
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.end(payload);
  });
}

/** A call that must succeed: a non-2xx answer becomes an HttpError 502 carrying the upstream's own error. */
export async function callOk(url: string, options: CallOptions = {}): Promise<unknown> {
  const result = await call(url, options);
  if (result.status >= 200 && result.status < 300) return result.body;
  const said = (result.body as { error?: unknown } | undefined)?.error ?? result.body;
  throw new HttpError(
    502,
    `${options.method ?? 'GET'} ${url} answered ${result.status}: ${typeof said === 'string' ? said : JSON.stringify(said)}`,
  );
}
