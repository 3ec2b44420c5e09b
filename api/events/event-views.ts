// Events as the public sees them: the event's scenarios under the ids of its mode, and its ranked leaderboard.
import { and, count, eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { eventParticipants, events, sessions, type EventRow } from '../../db/schema.ts';
import type { Library } from '../../scenarios/lib/load.ts';
import type { EventDto, LeaderboardRowDto } from '../contract.ts';
import { notFound } from '../errors.ts';
import { rankLeaderboard, type EventRun } from './leaderboard.ts';
import type { ScenarioIdentities } from '../scenario-ids.ts';

const EVENT_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export async function findEvent(db: Database, id: string): Promise<EventRow | undefined> {
  if (!EVENT_ID.test(id) || id.length > 63) return undefined;
  const [row] = await db.select().from(events).where(eq(events.id, id)).limit(1);
  return row;
}

export async function requireEvent(db: Database, id: string): Promise<EventRow> {
  const row = await findEvent(db, id);
  if (!row) throw notFound(`event "${id}"`);
  return row;
}

export async function eventDto(db: Database, library: Library, identities: ScenarioIdentities, row: EventRow): Promise<EventDto> {
  const [registered] = await db.select({ n: count() }).from(eventParticipants).where(eq(eventParticipants.eventId, row.id));
  const learn = row.mode === 'learn';
  const scenarios = row.scenarioIds.flatMap((id) => library.scenarios.get(id) ?? []);
  return {
    id: row.id,
    name: row.name,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    mode: row.mode,
    scenarios: learn
      ? scenarios.map((scenario) => ({
          id: scenario.metadata.name,
          systemIds: scenario.spec.systems,
          title: scenario.spec.title,
          difficulty: scenario.spec.difficulty,
          parTimeSeconds: scenario.spec.parTimeSeconds,
        }))
      : // The event's own codenames, ordered by codename: the operator's order could pair them with the Learn catalog.
        scenarios
          .map((scenario) => ({ ...identities.challenge(scenario, row.id), systemIds: scenario.spec.systems }))
          .sort((a, b) => a.id.localeCompare(b.id)),
    participantCount: Number(registered?.n ?? 0),
  };
}

/** Completed sessions only: abandoned, timed-out and failed runs never reach the board. */
export async function eventLeaderboard(
  db: Database,
  library: Library,
  identities: ScenarioIdentities,
  row: EventRow,
): Promise<LeaderboardRowDto[]> {
  const completed = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.eventId, row.id), eq(sessions.phase, 'completed'), isNotNull(sessions.result)));
  const runs: EventRun[] = completed.map((session) => {
    const result = session.result as { score: number; timeToRepairSeconds: number };
    return {
      badgeId: session.badgeId,
      participantName: session.participantName,
      scenarioId: session.scenarioId,
      score: result.score,
      timeToRepairSeconds: result.timeToRepairSeconds,
    };
  });
  // Per-scenario scores are keyed by the id of the event's mode: a Challenge board never names a fault.
  const publicId = (id: string) => {
    const scenario = library.scenarios.get(id);
    return scenario ? identities.publicId(scenario, row.mode, row.id) : id;
  };
  return rankLeaderboard(row.id, row.scenarioIds, runs).map((entry) => ({
    ...entry,
    scores: Object.fromEntries(Object.entries(entry.scores).map(([id, score]) => [publicId(id), score])),
  }));
}
