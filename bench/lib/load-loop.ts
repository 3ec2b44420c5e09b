// An open-loop HTTP load: requests are sent on a fixed schedule whether or not earlier ones have answered,
// so a slow API shows up as latency instead of quietly lowering the request rate.
import { setTimeout as sleep } from 'node:timers/promises';
import { callApi } from './http-client.ts';
import type { BenchSession } from './sessions.ts';

export interface LoadResult {
  latenciesMs: number[];
  errors: number;
  sent: number;
  seconds: number;
}

/** GET /api/sessions/:id for the sessions in turn, `ratePerSecond` requests a second, for `durationMs`. */
export async function loadSessionReads(
  apiUrl: string,
  sessions: readonly BenchSession[],
  ratePerSecond: number,
  durationMs: number,
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let sent = 0;
  const inflight = new Set<Promise<void>>();
  const started = performance.now();
  const gap = 1000 / ratePerSecond;
  while (performance.now() - started < durationMs) {
    const session = sessions[sent % sessions.length] as BenchSession;
    sent += 1;
    const request: Promise<void> = callApi(apiUrl, 'GET', `/api/sessions/${session.id}`, { token: session.token, from: session.from })
      .then(
        (response) => {
          if (response.status === 200) latenciesMs.push(response.ms);
          else errors += 1;
        },
        () => {
          errors += 1;
        },
      )
      .finally(() => inflight.delete(request));
    inflight.add(request);
    await sleep(Math.max(0, started + sent * gap - performance.now()));
  }
  await Promise.all(inflight);
  return { latenciesMs, errors, sent, seconds: (performance.now() - started) / 1000 };
}
