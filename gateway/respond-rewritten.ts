// A JSON answer read whole, rewritten (engine marks hidden, server addresses removed) and encoded in the
// representation the client asked for: JSON, or YAML made by the gateway from the rewritten object.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { forwardableHeaders } from './headers.ts';
import { encode, type Produced } from './representation.ts';

export type Rewrite = (body: unknown) => { body: unknown; hidden: boolean };

export type RewrittenOutcome = { hidden: true } | { hidden: false; status: number; body: unknown };

function parseJson(buffer: Buffer): unknown {
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Calls `done` once the answer is read: `hidden` when the whole object must not exist for the participant (the
 * caller answers 404 then; nothing was sent yet), else after the rewritten answer was sent.
 */
export function respondRewritten(
  upstream: IncomingMessage,
  response: ServerResponse,
  rewrite: Rewrite,
  produce: Produced,
  done: (outcome: RewrittenOutcome) => void,
): void {
  const status = upstream.statusCode ?? 502;
  const chunks: Buffer[] = [];
  upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
  upstream.on('error', () => response.destroy());
  upstream.on('end', () => {
    const raw = Buffer.concat(chunks);
    const parsed = parseJson(raw);
    const headers = forwardableHeaders(upstream.headers);
    delete headers['content-length'];
    delete headers['content-encoding'];
    if (parsed === undefined) {
      // Not JSON after all (an empty answer): nothing to hide in it, and nothing to convert.
      response.writeHead(status, { ...headers, 'content-length': raw.length });
      response.end(raw);
      return done({ hidden: false, status, body: undefined });
    }
    const shown = rewrite(parsed);
    if (shown.hidden) return done({ hidden: true });
    const { body, contentType } = encode(shown.body, produce, String(upstream.headers['content-type'] ?? 'application/json'));
    response.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': body.length });
    response.end(body);
    done({ hidden: false, status, body: shown.body });
  });
}
