// The SLA series in sla_samples: a row only when a reading changes: the status, an objective's status or value,
// or one of its SLIs (success rate, latency, restarts…), so the charts get a point for every change they draw.
import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { slaSamples } from '../../db/schema.ts';
import type { Objective } from '../../scenarios/lib/schema.ts';
import { errorBudget, type ErrorBudget } from './error-budget.ts';
import type { ObjectiveResult, SlaReading } from './types.ts';

/** Values to 3 significant digits, so probe latency jitter does not write a row every poll. */
export function sampleKey(reading: Pick<SlaReading, 'status' | 'objectives'>): string {
  const round = (n: number | undefined) => (n === undefined ? null : Number(n.toPrecision(3)));
  return JSON.stringify([reading.status, reading.objectives.map((o) => [o.name, o.status, round(o.value)])]);
}

/**
 * `sampleKey` plus each objective's SLIs to 2 significant digits: what makes a new row in the series. Latency
 * that moves by a few percent between polls writes no row; a change a chart would show does.
 */
export function seriesKey(reading: Pick<SlaReading, 'status' | 'objectives'>): string {
  const slis = reading.objectives.map((o) =>
    Object.entries(o.slis ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, n]) => [name, Number.isFinite(n) ? Number(n.toPrecision(2)) : null]),
  );
  return JSON.stringify([sampleKey(reading), slis]);
}

export class SlaSeriesWriter {
  private readonly db: Database;
  private readonly sessionId: string;
  private lastKey: string | undefined;
  private loaded = false;

  constructor(db: Database, sessionId: string) {
    this.db = db;
    this.sessionId = sessionId;
  }

  /** Writes the reading if it differs from the session's last sample (also across activity retries). */
  async write(reading: SlaReading, at: Date): Promise<boolean> {
    if (!this.loaded) {
      const [last] = await this.db
        .select()
        .from(slaSamples)
        .where(eq(slaSamples.sessionId, this.sessionId))
        .orderBy(desc(slaSamples.id))
        .limit(1);
      this.lastKey = last ? seriesKey({ status: last.status, objectives: last.objectives as SlaReading['objectives'] }) : undefined;
      this.loaded = true;
    }
    const key = seriesKey(reading);
    if (key === this.lastKey) return false;
    await this.db.insert(slaSamples).values({ sessionId: this.sessionId, at, status: reading.status, objectives: reading.objectives });
    this.lastKey = key;
    return true;
  }
}

/** The session's SLA series, oldest first (for charts, replay and the error budget). */
export async function readSeries(db: Database, sessionId: string) {
  const rows = await db.select().from(slaSamples).where(eq(slaSamples.sessionId, sessionId)).orderBy(slaSamples.id);
  return rows.map((row) => ({ ...row, objectives: row.objectives as ObjectiveResult[] }));
}

/** When the session's SLA first read green (its ready gate), epoch ms; undefined if it never has. */
export async function firstGreenAt(db: Database, sessionId: string): Promise<number | undefined> {
  const [row] = await db
    .select({ at: slaSamples.at })
    .from(slaSamples)
    .where(and(eq(slaSamples.sessionId, sessionId), eq(slaSamples.status, 'green')))
    .orderBy(slaSamples.id)
    .limit(1);
  return row?.at.getTime();
}

/** Error budget burned by a session between `start` and `end`, from its SLA series and objective weights. */
export async function sessionErrorBudget(
  db: Database,
  sessionId: string,
  objectives: Objective[],
  start: Date,
  end: Date,
): Promise<ErrorBudget> {
  const weights = Object.fromEntries(objectives.flatMap((o) => (o.weight === undefined ? [] : [[o.name, o.weight]])));
  return errorBudget(await readSeries(db, sessionId), start.getTime(), end.getTime(), weights);
}
