// Error budget burned while the SLA was red, read from the SLA readings of the session.
import type { SlaStatus } from '../domain/session-terms.ts';

/** An SLA reading: the overall status and each objective's, from the moment it was taken until the next. */
export interface SlaReading {
  at: string;
  status: SlaStatus;
  objectives: { name: string; status: string }[];
}

export interface RedTime {
  /** Seconds the SLA as a whole was red inside the window. */
  redSeconds: number;
  /** Seconds each objective was red inside the window. */
  objectiveRedSeconds: Record<string, number>;
}

/** Red time inside [from, to] (ISO): each reading holds until the next one; the last holds until `to`. */
export function redTime(readings: readonly SlaReading[], from: string, to: string): RedTime {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const sorted = [...readings].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const result: RedTime = { redSeconds: 0, objectiveRedSeconds: {} };
  for (const [index, reading] of sorted.entries()) {
    const next = sorted[index + 1];
    const begins = Math.max(start, Date.parse(reading.at));
    const ends = Math.min(end, next ? Date.parse(next.at) : end);
    if (ends <= begins) continue;
    const seconds = (ends - begins) / 1000;
    if (reading.status === 'red') result.redSeconds += seconds;
    for (const objective of reading.objectives) {
      if (objective.status === 'red')
        result.objectiveRedSeconds[objective.name] = (result.objectiveRedSeconds[objective.name] ?? 0) + seconds;
    }
  }
  return result;
}
