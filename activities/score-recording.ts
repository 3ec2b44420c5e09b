// Reads what scoring needs from the session's recording: its start, the SLA readings (sla_samples, or the
// SLA events where no samples were written) and the participant's kubectl requests through the gateway.
import { asc, eq, and } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { kubeRequests, sessionEvents, sessions, slaSamples } from '../db/schema.ts';
import { isSlaStatus } from '../domain/session-terms.ts';
import type { Library } from '../scenarios/lib/load.ts';
import { faultTargets } from '../scenarios/lib/steps.ts';
import type { ScoreInput } from '../workflows/types.ts';
import type { SlaReading } from '../scoring/budget.ts';
import type { ScoreRecording } from '../scoring/score.ts';

function asReading(at: Date, value: unknown): SlaReading | undefined {
  const reading = value as { status?: unknown; objectives?: unknown } | null;
  if (!reading || !isSlaStatus(reading.status)) return undefined;
  const objectives = Array.isArray(reading.objectives)
    ? reading.objectives
        .filter((o): o is { name: string; status: string } => typeof o?.name === 'string' && typeof o?.status === 'string')
        .map(({ name, status }) => ({ name, status }))
    : [];
  return { at: at.toISOString(), status: reading.status, objectives };
}

export async function readSlaReadings(db: Database, sessionId: string): Promise<SlaReading[]> {
  const samples = await db
    .select()
    .from(slaSamples)
    .where(eq(slaSamples.sessionId, sessionId))
    .orderBy(asc(slaSamples.at), asc(slaSamples.id));
  if (samples.length > 0) {
    return samples.flatMap((s) => asReading(s.at, { status: s.status, objectives: s.objectives }) ?? []);
  }
  const events = await db
    .select()
    .from(sessionEvents)
    .where(and(eq(sessionEvents.sessionId, sessionId), eq(sessionEvents.kind, 'sla')))
    .orderBy(asc(sessionEvents.at), asc(sessionEvents.id));
  return events.flatMap((e) => asReading(e.at, e.detail) ?? []);
}

export async function readScoreRecording(db: Database, library: Library, input: ScoreInput): Promise<ScoreRecording> {
  const [session] = await db
    .select({ startedAt: sessions.startedAt, scenarioId: sessions.scenarioId })
    .from(sessions)
    .where(eq(sessions.id, input.sessionId))
    .limit(1);
  // Sessions created before the plan carried a snapshot read their scenario from the library.
  const scenario = input.faultTargets === undefined && session ? library.scenarios.get(session.scenarioId) : undefined;
  const requests = await db.select().from(kubeRequests).where(eq(kubeRequests.sessionId, input.sessionId)).orderBy(asc(kubeRequests.id));
  return {
    ...input,
    ...(session?.startedAt ? { startedAt: session.startedAt.toISOString() } : {}),
    slaReadings: await readSlaReadings(db, input.sessionId),
    kubeRequests: requests.map((r) => ({
      at: r.at.toISOString(),
      verb: r.verb,
      resource: r.resource,
      namespace: r.namespace,
      name: r.name,
      subresource: r.subresource,
      status: r.status,
      command: r.command,
      change: r.change,
    })),
    faultTargets: input.faultTargets ?? (scenario ? faultTargets(scenario.spec.steps) : []),
  };
}
