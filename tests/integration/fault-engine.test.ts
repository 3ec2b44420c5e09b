// The library's own guarantee, for EVERY scenario on every system it names, on the simulated cluster: the
// system starts healthy, the scenario's steps take effect and break the SLA and the oracle, and the first
// reference solution, run with the participant's namespace-scoped kubeconfig, repairs both.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { connectKube } from '../../cluster/kube.ts';
import { deleteSandbox } from '../../cluster/sandbox.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';
import { exerciseScenario, waitFor } from '../support/scenario-runner.ts';

const library = loadLibrary(join(import.meta.dirname, '../../scenarios'));
const cases = [...library.scenarios.values()].flatMap((scenario) =>
  scenario.spec.systems.map((systemId) => ({ id: scenario.metadata.name, systemId, scenario })),
);

describe('every library scenario on the sim cluster', () => {
  const kube = connectKube(inject('kubeconfig'));

  it.concurrent.each(cases)(
    '$id on $systemId: breaks, then its reference solution repairs it',
    async ({ systemId, scenario }) => {
      const sessionId = randomUUID();
      // Each case deletes its sandbox at once: the fake nodes hold 110 pods each, shared by every case.
      const { result } = await exerciseScenario(kube, library.systems.get(systemId)!, scenario, sessionId).finally(() =>
        waitFor(`sandbox ${sessionId} deleted`, () => deleteSandbox(kube, sessionId), 60_000),
      );
      const report = JSON.stringify(result, null, 1);
      expect(result.baselineGreen, `baseline SLA green\n${report}`).toBe(true);
      expect(result.tookEffect, `steps took effect\n${report}`).toBe(true);
      expect(result.slaRedAfterFault, `SLA red after the fault\n${report}`).toBe(true);
      expect(result.oracleFailingAfterFault, `oracle unsatisfied after the fault\n${report}`).toBeGreaterThan(0);
      for (const output of result.solutionOutputs) expect(output.ok, `${output.command}\n${output.out}`).toBe(true);
      expect(result.repaired, `oracle satisfied and SLA green after the solution\n${report}`).toBe(true);
    },
    240_000,
  );
});
