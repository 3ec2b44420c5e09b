// One run of a journey: its steps in order against the system's Services, as one user would; the run fails at
// the first step that answers with an unexpected status, times out or cannot connect. Every step of a run
// carries the same W3C trace id, so a failed run can be followed through the services' logs.
import { randomBytes } from 'node:crypto';
import type { Journey, JourneyStep } from '../../scenarios/lib/schema.ts';

export type { Journey, JourneyStep };

export interface RunResult {
  ok: boolean;
  ms: number;
  traceId: string;
  /** The failing step and why (`POST http://checkout/orders: 500`, `... timed out after 2000 ms`). */
  error?: string;
}

/** `{user}` in a path or body string becomes the run's user, so runs do not share a cart. */
function fill(value: unknown, user: string): unknown {
  if (typeof value === 'string') return value.replaceAll('{user}', user);
  if (Array.isArray(value)) return value.map((item) => fill(item, user));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, user)]));
  return value;
}

export function stepUrl(step: JourneyStep, user: string): string {
  return `http://${step.service}${step.port ? `:${step.port}` : ''}${fill(step.path, user) as string}`;
}

function expected(step: JourneyStep, status: number): boolean {
  return step.expectStatus === undefined ? status >= 200 && status < 300 : status === step.expectStatus;
}

export async function runJourney(journey: Journey, timeoutMs: number): Promise<RunResult> {
  const traceId = randomBytes(16).toString('hex');
  const user = `u-${randomBytes(4).toString('hex')}`;
  const started = performance.now();
  for (const step of journey.steps) {
    const url = stepUrl(step, user);
    const what = `${step.method} ${url}`;
    try {
      const response = await fetch(url, {
        method: step.method,
        headers: {
          traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
          'user-agent': 'failurelib-load-generator',
          ...(step.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: step.body === undefined ? undefined : JSON.stringify(fill(step.body, user)),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      if (!expected(step, response.status)) {
        return { ok: false, ms: performance.now() - started, traceId, error: `${what}: ${response.status}` };
      }
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `timed out after ${timeoutMs} ms`
          : error instanceof Error
            ? ((error.cause as Error | undefined)?.message ?? error.message)
            : String(error);
      return { ok: false, ms: performance.now() - started, traceId, error: `${what}: ${reason}` };
    }
  }
  return { ok: true, ms: performance.now() - started, traceId };
}
