// The sweeper's activity: deletes sandboxes whose session is over or unknown to the read model.
import { inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { sessions } from '../db/schema.ts';
import { isTerminalPhase } from '../domain/session-terms.ts';
import type { ClusterDriver } from '../cluster/driver.ts';

export interface SweepResult {
  checked: number;
  deleted: string[];
}

export async function sweepSandboxes(
  db: Database,
  driver: Pick<ClusterDriver, 'listSandboxes' | 'deleteSandbox'>,
  minAgeSeconds: number,
  now = Date.now(),
): Promise<SweepResult> {
  const sandboxes = await driver.listSandboxes();
  const ids = sandboxes.map((sandbox) => sandbox.sessionId);
  const rows =
    ids.length === 0 ? [] : await db.select({ id: sessions.id, phase: sessions.phase }).from(sessions).where(inArray(sessions.id, ids));
  const phaseOf = new Map(rows.map((row) => [row.id, row.phase]));
  const deleted: string[] = [];
  for (const sandbox of sandboxes) {
    const phase = phaseOf.get(sandbox.sessionId);
    // A just-created session may not be in the read model yet when its namespace appears: leave young ones.
    const young = now - sandbox.createdAt.getTime() < minAgeSeconds * 1000;
    if ((phase === undefined && !young) || (phase !== undefined && isTerminalPhase(phase))) {
      await driver.deleteSandbox(sandbox.sessionId);
      deleted.push(sandbox.namespace);
    }
  }
  return { checked: sandboxes.length, deleted };
}
