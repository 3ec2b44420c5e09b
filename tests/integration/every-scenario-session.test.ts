// Every scenario as a participant lives it: a real session through the API, the fault injected by the
// workflow's step interpreter, the SLA red, the reference solution run with the downloaded kubeconfig
// (so through the recording gateway, with its policy), and the session ending `completed` by itself with
// the fix in its replay. A scenario whose solution does not repair it through the gateway fails the build.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { inBatches, playScenarioSession, scenarioCases } from '../support/scenario-session.ts';

describe('every scenario, end to end through the gateway', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: inject('databases')[0]!.url,
      env: { FL_SESSION_CREATE_LIMIT: '1000' },
    });
  });
  afterAll(async () => harness?.close());

  it('runs each scenario to completed with its reference solution', { timeout: 1_200_000 }, async () => {
    const failures: string[] = [];
    // A few at a time: the fake nodes and this machine are shared by every session.
    await inBatches(scenarioCases(harness), 4, async (scenario) => {
      await playScenarioSession(harness, scenario).catch((error: Error) =>
        failures.push(`${scenario.id} on ${scenario.systemId}: ${error.message}`),
      );
    });
    expect(failures).toEqual([]);
  });
});
