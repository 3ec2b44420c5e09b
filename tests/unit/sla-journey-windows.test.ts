// The journeys' windows a watch judges: the ready gate looks at the last seconds of runs (the system's start, when
// its pods refused connections, is not held against it), later watches at the runs since, up to the objective's window.
import { describe, expect, it } from 'vitest';
import { gateSeconds, journeyWindowsAt } from '../../activities/sla/journey-windows.ts';
import type { Objective } from '../../scenarios/lib/schema.ts';

const objectives: Objective[] = [
  {
    name: 'browse',
    description: 'shoppers browse',
    journey: { name: 'browse', minSuccessRate: 0.95, maxP95Ms: 500, windowSeconds: 10 },
    kubeState: { serviceReachable: { name: 'storefront', minPods: 1 } },
  },
  {
    name: 'slow',
    description: 'a rare journey',
    journey: { name: 'slow', minSuccessRate: 0.9, windowSeconds: 60 },
    kubeState: { serviceReachable: { name: 'reports', minPods: 1 } },
  },
  { name: 'pods', description: 'pods ready', kubeState: { serviceReachable: { name: 'storefront', minPods: 1 } } },
];
const rates = { browse: 2, slow: 0.25 };
const windows = (judged: Objective[]) => judged.map((o) => o.journey?.windowSeconds);
const t0 = Date.parse('2026-12-03T10:00:00Z');

describe('journey windows', () => {
  it('the ready gate judges the last 5 s, or as long as the journey needs for enough runs, never more than its window', () => {
    expect(windows(journeyWindowsAt(objectives, { healthySince: undefined, now: t0, rates }))).toEqual([5, 24, undefined]);
    expect(gateSeconds(10, 2)).toBe(5);
    expect(gateSeconds(10, 0.5)).toBe(10);
    expect(gateSeconds(5, 5)).toBe(5);
    expect(gateSeconds(30, undefined)).toBe(30);
  });

  it('after the gate, the window holds the runs since the gate window began and grows to the objective window', () => {
    const at = (seconds: number) => windows(journeyWindowsAt(objectives, { healthySince: t0, now: t0 + seconds * 1000, rates }));
    expect(at(0)).toEqual([5, 24, undefined]);
    expect(at(3.9)).toEqual([8, 27, undefined]);
    expect(at(5)).toEqual([10, 29, undefined]);
    expect(at(600)).toEqual([10, 60, undefined]);
  });

  it('leaves objectives without a journey, and journeys already at their window, as they are', () => {
    const judged = journeyWindowsAt(objectives, { healthySince: t0, now: t0 + 600_000, rates });
    expect(judged[0]).toBe(objectives[0]);
    expect(judged[2]).toBe(objectives[2]);
    expect(objectives[0]!.journey!.windowSeconds).toBe(10);
  });
});
