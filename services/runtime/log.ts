// One JSON object per line on stdout, with the trace of the request being served (see services/README.md).
import { currentSpan } from './trace.ts';

export type Level = 'info' | 'warn' | 'error';

let service = 'service';

export function setLogService(name: string): void {
  service = name;
}

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  const span = currentSpan();
  const line = {
    time: new Date().toISOString(),
    level,
    service,
    msg,
    ...(span && { trace_id: span.traceId, span_id: span.spanId }),
    ...fields,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** What a failure says, verbatim: the error's own message (a wrapped cause's too). */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && !error.message.includes(error.cause.message) ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
