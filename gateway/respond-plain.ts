// The answer as the API server gave it, streamed (Learn-mode reads, logs, anything not rewritten). A change's
// answer is also kept (up to a size) for the recorded diff.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { forwardableHeaders } from './headers.ts';

export function respondPlain(
  upstream: IncomingMessage,
  response: ServerResponse,
  keep: number,
  done: (kept: Buffer | undefined) => void,
): void {
  response.writeHead(upstream.statusCode ?? 502, forwardableHeaders(upstream.headers));
  const chunks: Buffer[] = [];
  let size = 0;
  if (keep > 0)
    upstream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= keep) chunks.push(chunk);
    });
  pipeline(upstream, response, () => done(keep > 0 && size <= keep ? Buffer.concat(chunks) : undefined));
}
