// The windows a watch judges the journeys over. A sandbox's load generator starts with the system, so until the
// system has served for a whole window its window still holds the runs of its start (refused connections while
// the pods came up), which say nothing about the system. The ready gate (`until: green`) therefore judges the
// last few seconds of runs (enough of them for a verdict at the journey's rate), and every later watch the runs
// since that gate's window began, growing to the objective's own window: never a run from before the system was
// first seen healthy, and after one window exactly the objective's SLA.
import type { Objective } from '../../scenarios/lib/schema.ts';

/** The gate's window: the journey's runs over this long (at least the runs a verdict needs) must meet the objective. */
export const GATE_SECONDS = 5;
/** Runs the gate window should hold at the journey's rate: twice the minimum a verdict needs (journeys.ts). */
const GATE_RUNS = 6;

export function gateSeconds(windowSeconds: number, ratePerSecond: number | undefined): number {
  const forRuns = ratePerSecond && ratePerSecond > 0 ? Math.ceil(GATE_RUNS / ratePerSecond) : windowSeconds;
  return Math.min(windowSeconds, Math.max(GATE_SECONDS, forRuns));
}

/**
 * The objectives with each journey's window for a reading at `now` (epoch ms). `healthySince`: when the session's
 * SLA first read green (its ready gate); undefined while waiting for that gate. `rates`: each journey's runs a second.
 */
export function journeyWindowsAt(
  objectives: Objective[],
  { healthySince, now, rates }: { healthySince: number | undefined; now: number; rates: Record<string, number> },
): Objective[] {
  return objectives.map((objective) => {
    const journey = objective.journey;
    if (!journey) return objective;
    const gate = gateSeconds(journey.windowSeconds, rates[journey.name]);
    const since = healthySince === undefined ? 0 : Math.max(0, Math.floor((now - healthySince) / 1000));
    const windowSeconds = Math.min(journey.windowSeconds, gate + since);
    return windowSeconds === journey.windowSeconds ? objective : { ...objective, journey: { ...journey, windowSeconds } };
  });
}
