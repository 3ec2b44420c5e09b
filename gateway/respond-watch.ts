// A watch stream rewritten event by event as it flows (Challenge mode): events of hidden objects are
// dropped, every other object loses the engine's marks. `kubectl get -w` sees each event as it is sent.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { forwardableHeaders } from './headers.ts';
import type { Rewrite } from './respond-rewritten.ts';
import { rewriteJsonLine, rewriteLines } from './watch-lines.ts';

export function respondWatch(upstream: IncomingMessage, response: ServerResponse, rewrite: Rewrite, done: () => void): void {
  const headers = forwardableHeaders(upstream.headers);
  delete headers['content-length'];
  response.writeHead(upstream.statusCode ?? 502, headers);
  response.flushHeaders();
  const hide = rewriteJsonLine((event) => {
    const shown = rewrite(event);
    return shown.hidden ? undefined : shown.body;
  });
  pipeline(upstream, rewriteLines(hide), response, () => done());
}
