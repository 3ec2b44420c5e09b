// The plan a session is created with carries what its activities read from the library, survives Temporal's
// payload conversion unchanged, and stays small: it sits in the history of every session.
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { sessionPlan } from '../../api/sessions/session-plan.ts';
import { loadConfig } from '../../config/config.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';
import type { SessionPlan } from '../../workflows/types.ts';

const library = loadLibrary(join(resolve(import.meta.dirname, '../..'), 'scenarios'));
const config = loadConfig({});

function planOf(scenarioId: string): SessionPlan {
  const scenario = library.scenarios.get(scenarioId)!;
  const systemId = scenario.spec.systems[0]!;
  return sessionPlan(
    '00000000-0000-4000-8000-000000000000',
    scenario,
    library.systems.get(systemId)!,
    {
      scenarioId,
      systemId,
      mode: 'learn',
      participant: { name: 'Ada' },
    },
    config,
  );
}

describe('a session plan', () => {
  it('carries the oracle, the objectives (SLIs and all), the hints and the names its faults act on, through parallel steps', () => {
    const scenario = library.scenarios.get('booking-payment-double-fault')!;
    const system = library.systems.get(scenario.spec.systems[0]!)!;
    const { snapshot } = planOf('booking-payment-double-fault');
    expect(snapshot?.oracle).toEqual(scenario.spec.oracle.predicates);
    expect(snapshot?.objectives).toEqual(system.system.spec.objectives);
    expect(snapshot?.hints).toEqual(scenario.spec.hints);
    expect(snapshot?.faultTargets).toEqual(expect.arrayContaining(['payment-metrics-only', 'booking']));
    expect(snapshot?.briefing.rootCause).toBe(scenario.spec.rootCause);
    expect(snapshot?.manifestsSha256).toBe(createHash('sha256').update(system.manifests).digest('hex'));
  });

  it("comes out of Temporal's payload conversion as it went in, for every scenario", () => {
    for (const id of library.scenarios.keys()) {
      const plan = planOf(id);
      expect(defaultPayloadConverter.fromPayload(defaultPayloadConverter.toPayload(plan))).toEqual(plan);
    }
  });

  it("keeps the manifests out (their digest stands for them), so every scenario's plan stays under 8 KB", () => {
    for (const id of library.scenarios.keys()) {
      const plan = planOf(id);
      const json = JSON.stringify(plan);
      expect(json).not.toContain('kind: Deployment');
      expect(json.length).toBeLessThan(8 * 1024);
    }
  });
});
