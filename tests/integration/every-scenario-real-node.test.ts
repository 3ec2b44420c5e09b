// Every scenario of the library as a real session on the real node: the same play as the simulated every-scenario
// test (tests/support/scenario-session.ts: the fault injected by the workflow, the SLA red, the reference solution
// through the recording gateway, the session `completed` and its sandbox gone), but each sandbox's pods really run
// on the real node (the images of infra/images), so a fault breaks a real process and a fix has to really repair it.
// A scenario that cannot pass on the real node yet is listed in NOT_YET with the reason, and reported as skipped.
// The node runs two pools (a second node in its own network namespace, infra/real-node/pool-network.ts), as
// multi-cloud pins its inventories to two; its scenarios are a test of their own (`-t multi-cloud`).
// Needs root and infra/real-node/setup.sh; runs under the real node's flock like the other real-node tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealNode } from '../../infra/real-node/node.ts';
import type { Harness } from '../support/session-harness.ts';
import { inBatches, playScenarioSession, scenarioCases, type ScenarioCase } from '../support/scenario-session.ts';
import { startRealNodeHarness } from '../support/real-node.ts';

/** Scenarios that cannot pass on the real node yet, and why. */
const NOT_YET: Record<string, string> = {};
/** Systems pinned to two node pools (topology.failurelib.dev/cloud=a|b): the real node runs its pools a and b. */
const TWO_POOL_SYSTEMS = new Set(['multi-cloud']);

/** Sessions at once: each runs a whole system's real pods on this 2-core machine. */
const WIDTH = 3;
/** FL_REAL_NODE_SCENARIOS=a,b plays only those (e.g. after changing a system's manifests); all by default. */
const ONLY = process.env.FL_REAL_NODE_SCENARIOS?.split(',').filter(Boolean);

describe('every scenario, end to end through the gateway, on the real node', () => {
  let harness: Harness;
  let node: RealNode | undefined;
  let cases: ScenarioCase[] = [];

  beforeAll(async () => {
    [harness, node] = await startRealNodeHarness({ FL_SESSION_CREATE_LIMIT: '1000' }, { pools: ['a', 'b'] });
    cases = scenarioCases(harness).filter((scenario) => !(scenario.id in NOT_YET) && (!ONLY || ONLY.includes(scenario.id)));
  }, 300_000);

  it('plays exactly the scenarios FL_REAL_NODE_SCENARIOS names, when it names any', () => {
    // A name that is not a playable scenario must not make an empty run pass.
    if (ONLY) expect(cases.map((scenario) => scenario.id).sort()).toEqual([...ONLY].sort());
  });

  afterAll(async () => {
    await harness?.close();
    await node?.stop();
  }, 120_000);

  /** Plays `scenarios`, WIDTH at once, and expects every one to complete; logs the pass count and ready times. */
  async function playAll(label: string, scenarios: ScenarioCase[]): Promise<void> {
    const started = Date.now();
    const outcomes = new Map<string, { error?: string; timings?: Awaited<ReturnType<typeof playScenarioSession>> }>();
    await inBatches(scenarios, WIDTH, async (scenario) => {
      try {
        outcomes.set(scenario.id, { timings: await playScenarioSession(harness, scenario, { readyMs: 180_000, redMs: 60_000 }) });
      } catch (error) {
        outcomes.set(scenario.id, { error: (error as Error).message });
      }
      // As each ends: a long run stopped half-way still tells what passed.
      console.log(`real node, ${scenario.id}: ${JSON.stringify(outcomes.get(scenario.id))}`);
    });
    const passed = [...outcomes].filter(([, outcome]) => !outcome.error).map(([id]) => id);
    const ready = [...outcomes.values()]
      .flatMap((outcome) => (outcome.timings ? [outcome.timings.ready / 1000] : []))
      .sort((a, b) => a - b);
    const percentile = (p: number) => ready[Math.min(ready.length - 1, Math.ceil((p / 100) * ready.length) - 1)]?.toFixed(1);
    console.log(
      `real node, ${label}: ${passed.length}/${scenarios.length} passed in ${((Date.now() - started) / 1000).toFixed(0)} s ` +
        `(${WIDTH} at once); session ready median ${percentile(50)} s, p95 ${percentile(95)} s; passed: ${passed.join(', ')}`,
    );
    const failures = [...outcomes].filter(([, outcome]) => outcome.error).map(([id, outcome]) => `${id}: ${outcome.error}`);
    expect(failures).toEqual([]);
  }

  it('runs every one-pool scenario not listed in NOT_YET to completed with its reference solution', { timeout: 1_500_000 }, async () => {
    await playAll(
      'every one-pool scenario',
      cases.filter((scenario) => !TWO_POOL_SYSTEMS.has(scenario.systemId)),
    );
  });

  it('runs the multi-cloud scenarios across the two pools to completed with their reference solutions', { timeout: 900_000 }, async () => {
    await playAll(
      'multi-cloud, two pools',
      cases.filter((scenario) => TWO_POOL_SYSTEMS.has(scenario.systemId)),
    );
  });

  for (const [id, reason] of Object.entries(NOT_YET)) it.skip(`${id}: not yet on the real node: ${reason}`, () => {});
});
