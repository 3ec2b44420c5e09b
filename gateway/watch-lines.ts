// Rewrites a newline-delimited JSON stream (a Kubernetes watch) event by event as it flows: nothing is
// buffered beyond the line being read, so `kubectl get -w` sees each event as soon as the apiserver sends it.
import { Transform } from 'node:stream';

/** `rewrite` returns the new line (without newline), or undefined to drop the event. */
export function rewriteLines(rewrite: (line: string) => string | undefined): Transform {
  let pending = '';
  const emit = (stream: Transform, line: string) => {
    if (line.trim() === '') return;
    const out = rewrite(line);
    if (out !== undefined) stream.push(`${out}\n`);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      pending += chunk.toString('utf8');
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        emit(this, pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      done();
    },
    flush(done) {
      emit(this, pending);
      pending = '';
      done();
    },
  });
}

/** A JSON line through `rewrite`; lines that are not JSON pass unchanged (the client reports them). */
export function rewriteJsonLine(rewrite: (event: unknown) => unknown): (line: string) => string | undefined {
  return (line) => {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      return line;
    }
    const out = rewrite(event);
    return out === undefined ? undefined : JSON.stringify(out);
  };
}
