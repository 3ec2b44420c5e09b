// State lines: one JSON object per line to the HTTP Logs source, so the session's story is in Sumo Logic
// (and on its dashboard). The source URL is the secret: it is never logged.
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs } from './throttle.ts';

export const STATE_LINE_CATEGORY = 'failurelib/sessions';

export interface StateLine {
  sessionId: string;
  phase: string;
  event: string;
  elapsedSeconds: number;
  /** Names of the objectives not green at the time. */
  violated: string[];
  sla?: string;
  /** SLI values by objective name, for the dashboard's time series. */
  slis?: Record<string, number>;
}

export class StateLineError extends Error {}

/** Sends lines (a 429 means they were dropped: they are resent with backoff). */
export async function pushStateLines(sourceUrl: string, lines: StateLine[], attempts = 5): Promise<void> {
  if (lines.length === 0) return;
  const body = lines.map((line) => JSON.stringify({ ts: new Date().toISOString(), ...line })).join('\n');
  for (let attempt = 0; ; attempt += 1) {
    let status: number;
    try {
      const response = await fetch(sourceUrl, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(30_000),
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          'x-sumo-category': STATE_LINE_CATEGORY,
          'x-sumo-name': lines[0]!.sessionId,
          'x-sumo-host': 'failurelib',
        },
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 0;
    }
    if (status >= 200 && status < 300) return;
    if (attempt + 1 >= attempts || (status >= 400 && status < 500 && status !== 429)) {
      throw new StateLineError(`Sumo Logic HTTP source refused state lines (HTTP ${status || 'unreachable'})`);
    }
    await sleep(backoffMs(attempt, null, 500, 10_000));
  }
}
