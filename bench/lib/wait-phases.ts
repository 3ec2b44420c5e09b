// Waits for many sessions' phases by reading the read model directly, one query a second for all of them:
// polling N sessions over the API before the measurement window would load the very API being measured
// (200 sessions polled every second is twice the window's own read load).
import { setTimeout as sleep } from 'node:timers/promises';
import { inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { sessions } from '../../db/schema.ts';
import { isTerminalPhase } from '../../domain/session-terms.ts';
import type { BenchSession } from './sessions.ts';

export async function waitForPhasesInDatabase(
  db: Database,
  wanted: readonly BenchSession[],
  phases: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const ids = wanted.map((session) => session.id);
  for (;;) {
    const rows = await db.select({ id: sessions.id, phase: sessions.phase }).from(sessions).where(inArray(sessions.id, ids));
    const waiting = rows.filter((row) => !phases.includes(row.phase));
    const ended = waiting.filter((row) => isTerminalPhase(row.phase));
    if (ended.length > 0) throw new Error(`${ended.length} sessions ended (${ended[0]!.phase}) while waiting for ${phases.join('|')}`);
    if (rows.length === ids.length && waiting.length === 0) return;
    if (performance.now() > deadline)
      throw new Error(`${waiting.length} sessions not ${phases.join('|')} within ${timeoutMs} ms (e.g. ${waiting[0]?.phase})`);
    await sleep(1000);
  }
}
