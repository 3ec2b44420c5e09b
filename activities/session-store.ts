// Writes the session read model (phase, SLA, events) idempotently: a retried activity adds no duplicates.
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { sessionEvents, sessions, type SessionRow } from '../db/schema.ts';
import { isTerminalPhase, type EventKind, type Phase, type SlaStatus } from '../domain/session-terms.ts';
import type { ObjectiveResult } from './sla/kube-state.ts';

export interface EventInput {
  sessionId: string;
  dedupeKey: string;
  kind: EventKind;
  summary: string;
  detail?: unknown;
  at?: Date;
}

export async function recordEvent(db: Database, event: EventInput): Promise<void> {
  await db
    .insert(sessionEvents)
    .values({
      sessionId: event.sessionId,
      dedupeKey: event.dedupeKey,
      kind: event.kind,
      summary: event.summary,
      detail: event.detail ?? null,
      at: event.at ?? new Date(),
    })
    .onConflictDoNothing({ target: [sessionEvents.sessionId, sessionEvents.dedupeKey] });
}

/** The timestamp column a phase sets: Start is when the fault goes in; every terminal phase ends the session. */
function timestampOf(phase: Phase): 'startedAt' | 'repairedAt' | 'endedAt' | undefined {
  if (phase === 'injecting') return 'startedAt';
  if (phase === 'repaired') return 'repairedAt';
  return isTerminalPhase(phase) ? 'endedAt' : undefined;
}

/**
 * Records the phase change and its event in one statement (the event insert is a CTE), so readers see both
 * or neither. One statement, not a transaction: a transaction holds the embedded database's single session
 * across round trips to this process, and under load (a busy worker) that stalls every other client.
 */
export async function recordPhase(
  db: Database,
  sessionId: string,
  phase: Phase,
  at: Date,
  summary: string,
  namespace?: string,
): Promise<SessionRow | undefined> {
  const column = timestampOf(phase);
  const phaseEvent = db.$with('phase_event').as(
    db
      .insert(sessionEvents)
      .values({ sessionId, dedupeKey: `phase:${phase}`, kind: 'phase', summary, at, detail: { phase } })
      .onConflictDoNothing({ target: [sessionEvents.sessionId, sessionEvents.dedupeKey] })
      .returning({ id: sessionEvents.id }),
  );
  const [row] = await db
    .with(phaseEvent)
    .update(sessions)
    .set({
      phase,
      ...(column ? { [column]: at } : {}),
      ...(namespace ? { namespace } : {}),
    })
    .where(eq(sessions.id, sessionId))
    .returning();
  return row;
}

export async function recordSla(db: Database, sessionId: string, status: SlaStatus, objectives: ObjectiveResult[]): Promise<void> {
  await db.update(sessions).set({ slaStatus: status, slaObjectives: objectives }).where(eq(sessions.id, sessionId));
}

export async function recordHintsUsed(db: Database, sessionId: string, hintsUsed: number): Promise<void> {
  await db.update(sessions).set({ hintsUsed }).where(eq(sessions.id, sessionId));
}

export async function recordResult(db: Database, sessionId: string, result: unknown): Promise<void> {
  await db.update(sessions).set({ result }).where(eq(sessions.id, sessionId));
}
