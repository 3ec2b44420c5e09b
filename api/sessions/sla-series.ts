// The SLIs of a session over time, for the charts: its SLA samples as series (domain/sli-readings.ts) and the
// participant's kubectl steps as markers. Only names, values, red spans and the participant's own commands
// leave here: no objective descriptions, no provider or fault detail, so a Challenge session gives nothing away.
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { kubeRequests, sessionEvents, slaSamples, type SessionRow } from '../../db/schema.ts';
import { buildSliSeries, describeObjective, type SampleObjective } from '../../domain/sli-readings.ts';
import { isTerminalPhase, isWriteVerb } from '../../domain/session-terms.ts';
import { stepsOf } from '../../gateway/steps.ts';
import type { SlaSeriesDto } from '../contract.ts';

/** Enough for hours at one sample per poll; a longer session shows its first hours. */
const MAX_SAMPLES = 20_000;
const MAX_REQUESTS = 20_000;

export async function slaSeriesDto(db: Database, row: SessionRow, now = Date.now()): Promise<SlaSeriesDto> {
  const [samples, requests, [ready]] = await Promise.all([
    db
      .select({ at: slaSamples.at, status: slaSamples.status, objectives: slaSamples.objectives })
      .from(slaSamples)
      .where(eq(slaSamples.sessionId, row.id))
      .orderBy(asc(slaSamples.at), asc(slaSamples.id))
      .limit(MAX_SAMPLES),
    db.select().from(kubeRequests).where(eq(kubeRequests.sessionId, row.id)).orderBy(asc(kubeRequests.id)).limit(MAX_REQUESTS),
    db
      .select({ at: sessionEvents.at })
      .from(sessionEvents)
      .where(and(eq(sessionEvents.sessionId, row.id), eq(sessionEvents.dedupeKey, 'phase:ready')))
      .limit(1),
  ]);
  const live = !isTerminalPhase(row.phase);
  const to = live ? now : (row.endedAt ?? row.repairedAt ?? new Date(now)).getTime();
  const series = buildSliSeries(
    samples.map((sample) => ({
      at: sample.at.getTime(),
      status: sample.status,
      objectives: Array.isArray(sample.objectives) ? (sample.objectives as SampleObjective[]) : [],
    })),
    // From the moment the sandbox was ready: the system coming up before it is not the SLA breaking.
    { ...(ready ? { from: ready.at.getTime() } : {}), to },
  );
  const writes = new Set(requests.filter((request) => isWriteVerb(request.verb)).map((request) => request.id));
  return {
    ...series,
    live,
    ...(row.startedAt ? { startedAt: row.startedAt.getTime() } : {}),
    ...(row.repairedAt ? { repairedAt: row.repairedAt.getTime() } : {}),
    objectives: series.objectives.map((objective) => ({ ...objective, summary: describeObjective(series, objective) })),
    steps: stepsOf(requests).flatMap((step) =>
      step.at ? [{ at: step.at.getTime(), command: step.summary, change: step.requestIds.some((id) => writes.has(id)) }] : [],
    ),
  };
}
