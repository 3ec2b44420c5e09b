// W3C trace context: the trace id of the request being served, taken from `traceparent` or started here,
// carried through async calls so log lines and outgoing calls carry it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

export interface Span {
  traceId: string;
  spanId: string;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const current = new AsyncLocalStorage<Span>();

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A new span of the incoming request's trace (a new trace when the header is missing or malformed). */
export function spanFrom(traceparent: string | undefined): Span {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  const traceId = match?.[1] && !/^0+$/.test(match[1]) ? match[1] : hex(16);
  return { traceId, spanId: hex(8) };
}

export function inSpan<T>(span: Span, run: () => T): T {
  return current.run(span, run);
}

export function currentSpan(): Span | undefined {
  return current.getStore();
}

/** The header for an outgoing call: the current trace, with the current span as parent. */
export function outgoingTraceparent(): string {
  const span = currentSpan() ?? spanFrom(undefined);
  return `00-${span.traceId}-${span.spanId}-01`;
}
