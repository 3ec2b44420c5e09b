// Heartbeats while a slow cluster call runs: the workflow gives cluster activities a short heartbeat
// timeout so a dead worker is noticed fast, and an apiserver under load (hundreds of sessions starting at
// once) must not make a live, merely slow call look dead and burn its retries.
import { Context } from '@temporalio/activity';

const INTERVAL_MS = 5_000;

export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), INTERVAL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
