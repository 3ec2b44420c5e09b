// scenarioSession: one durable workflow per participant session.
// provisioning → ready → injecting → running → repaired → scoring → completed, exits abandoned /
// timed_out / failed, and the sandbox torn down on every exit.
import {
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SessionActivities } from '../activities/session-activities.ts';
import { isTerminalPhase } from '../domain/session-terms.ts';
import { abandonSignal, extendTimeSignal, requestHintUpdate, startUpdate, stateQuery } from './messages.ts';
import { NON_RETRYABLE_ERROR_TYPES } from './error-types.ts';
import { runScenarioSteps } from './scenario-steps.ts';
import { FlPhase } from './search-attributes.ts';
import type { Phase, SessionPlan, SessionState } from './types.ts';

const NON_RETRYABLE = NON_RETRYABLE_ERROR_TYPES;

const quick = proxyActivities<SessionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});
const cluster = proxyActivities<SessionActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '15 seconds', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});
const watcher = proxyActivities<SessionActivities>({
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes: NON_RETRYABLE },
});
/** Teardown is retried until it succeeds: a leaked sandbox costs money and leaks the scenario. */
const teardown = proxyActivities<SessionActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

type Outcome<T> = { kind: 'done'; value: T } | { kind: 'abandoned' } | { kind: 'timeout' };

export async function scenarioSession(plan: SessionPlan): Promise<SessionState> {
  const state: SessionState = { phase: 'provisioning', createdAt: new Date().toISOString(), sla: 'unknown', hintsUsed: 0, extraSeconds: 0 };
  let startRequested = false;
  let abandoned = false;
  let deadlineVersion = 0;
  // Decided once, at the start: sessions started by an earlier version keep their library lookups to the end.
  const snapshotted = patched('plan-snapshot');
  /** What activities read from the plan instead of the library; undefined for plans made before it existed. */
  const snapshot = snapshotted ? plan.snapshot : undefined;

  setHandler(stateQuery, () => state);
  setHandler(abandonSignal, () => {
    abandoned = true;
  });
  setHandler(extendTimeSignal, (seconds) => {
    state.extraSeconds += Math.max(0, seconds);
    deadlineVersion += 1;
  });
  setHandler(
    startUpdate,
    (): { phase: Phase } => {
      startRequested = true;
      return { phase: 'injecting' };
    },
    {
      validator: () => {
        if (state.phase !== 'ready') throw new Error(`cannot start: the session is ${state.phase}, not ready`);
      },
    },
  );
  let hintRequests = Promise.resolve();
  setHandler(
    requestHintUpdate,
    async () => {
      // One hint at a time, so two quick clicks reveal hints 1 and 2, not hint 1 twice.
      const result = hintRequests.then(() =>
        quick.revealHint({
          sessionId: plan.sessionId,
          scenarioId: plan.scenarioId,
          index: state.hintsUsed,
          mode: plan.mode,
          ...(snapshot ? { hint: snapshot.hints[Math.min(state.hintsUsed, snapshot.hints.length - 1)] ?? '' } : {}),
        }),
      );
      hintRequests = result.then(
        () => undefined,
        () => undefined,
      );
      const hint = await result;
      state.hintsUsed = hint.hintsUsed;
      return hint;
    },
    {
      validator: () => {
        if (state.phase !== 'running') throw new Error(`hints are available while the session is running, not ${state.phase}`);
        if (state.hintsUsed >= plan.hintCount) throw new Error('no more hints for this scenario');
      },
    },
  );

  const enter = async (phase: Phase, summary: string) => {
    state.phase = phase;
    // Shown as "current details" in the Temporal UI, so an operator sees where a session stands.
    setCurrentDetails(`**${phase}**: ${summary}`);
    if (isTerminalPhase(phase)) state.endedAt = new Date().toISOString();
    upsertSearchAttributes([{ key: FlPhase, value: phase }]);
    await quick.recordPhase.executeWithOptions({ summary: `record phase ${phase}` }, [
      { sessionId: plan.sessionId, phase, at: new Date().toISOString(), summary, namespace: state.namespace },
    ]);
  };

  /** Runs cancellable work until it finishes, the participant abandons, or the (extendable) deadline passes. */
  async function until<T>(work: () => Promise<T>, deadline: () => number): Promise<Outcome<T>> {
    const scope = new CancellationScope();
    let settled: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    const running = scope.run(work).then(
      (value) => {
        settled = { ok: true, value };
      },
      (error) => {
        settled = { ok: false, error };
      },
    );
    for (;;) {
      if (settled) {
        if (settled.ok) return { kind: 'done', value: settled.value };
        throw settled.error;
      }
      const stop: Outcome<T> | undefined = abandoned ? { kind: 'abandoned' } : Date.now() >= deadline() ? { kind: 'timeout' } : undefined;
      if (stop) {
        scope.cancel();
        await running;
        return stop;
      }
      const version = deadlineVersion;
      await condition(() => settled !== undefined || abandoned || deadlineVersion !== version, Math.max(1, deadline() - Date.now()));
    }
  }

  try {
    const created = Date.parse(state.createdAt);
    await enter('provisioning', 'Provisioning your sandbox');
    const provisioned = await until(
      async () => {
        const { namespace } = await cluster.provisionSandbox.executeWithOptions({ summary: 'create the sandbox namespace' }, [
          { sessionId: plan.sessionId },
        ]);
        state.namespace = namespace;
        await cluster.deploySystem.executeWithOptions({ summary: `deploy system ${plan.systemId} into ${namespace}` }, [
          {
            sessionId: plan.sessionId,
            namespace,
            systemId: plan.systemId,
            ...(snapshot ? { manifestsSha256: snapshot.manifestsSha256 } : {}),
          },
        ]);
        if (patched('wire-monitoring')) {
          const { dashboardUrl } = await quick.wireMonitoring.executeWithOptions(
            { summary: 'wire monitoring (dashboard and status lines)' },
            [
              {
                sessionId: plan.sessionId,
                namespace,
                systemId: plan.systemId,
                scenarioId: plan.scenarioId,
                mode: plan.mode,
                ...(snapshot ? { briefing: snapshot.briefing, objectives: snapshot.objectives } : {}),
              },
            ],
          );
          if (dashboardUrl) state.dashboardUrl = dashboardUrl;
        }
        return watcher.watchSla.executeWithOptions({ summary: 'wait for the system to be healthy (SLA green)' }, [
          {
            sessionId: plan.sessionId,
            namespace,
            systemId: plan.systemId,
            until: 'green',
            holdSeconds: 0,
            ...(snapshot ? { objectives: snapshot.objectives } : {}),
          },
        ]);
      },
      () => created + plan.provisionTimeoutSeconds * 1000,
    );
    if (provisioned.kind === 'abandoned') return await finish('abandoned', 'You left before the sandbox was ready');
    if (provisioned.kind === 'timeout') return await finish('failed', 'Provisioning took too long', 'provisioning timed out');
    state.sla = 'green';

    state.readyAt = new Date().toISOString();
    await enter('ready', 'Sandbox ready: download your kubeconfig, then press Start');
    const readyDeadline = Date.now() + plan.readyTimeoutSeconds * 1000;
    await condition(() => startRequested || abandoned, Math.max(1, readyDeadline - Date.now()));
    if (abandoned) return await finish('abandoned', 'You gave up before starting');
    if (!startRequested) return await finish('timed_out', 'The session was never started');

    state.startedAt = new Date().toISOString();
    await enter('injecting', 'Injecting the fault');
    const namespace = state.namespace as string;
    const runDeadline = () => Date.parse(state.startedAt as string) + (plan.timeLimitSeconds + state.extraSeconds) * 1000;
    // Sessions started before steps were interpreted here ran them all in one injectFault activity.
    const interpretSteps = patched('interpret-scenario-steps') && plan.steps !== undefined;
    const injected = await until(
      () =>
        interpretSteps
          ? runScenarioSteps(plan.steps ?? [], { sessionId: plan.sessionId, namespace }, { conditionNamesSession: snapshotted })
          : cluster.injectFault({ sessionId: plan.sessionId, namespace, scenarioId: plan.scenarioId }),
      runDeadline,
    );
    if (injected.kind === 'abandoned') return await finish('abandoned', 'You gave up');
    if (injected.kind === 'timeout') return await finish('failed', 'The fault could not be confirmed in time', 'injection timed out');
    state.sla = 'red';

    await enter('running', 'The SLA is violated: find the cause and fix it');
    const repaired = await until(
      () =>
        watcher.watchSla.executeWithOptions({ summary: `watch the SLA until repaired and green for ${plan.holdSeconds}s` }, [
          {
            sessionId: plan.sessionId,
            namespace,
            systemId: plan.systemId,
            scenarioId: plan.scenarioId,
            until: 'repaired',
            holdSeconds: plan.holdSeconds,
            ...(snapshot ? { objectives: snapshot.objectives, oracle: snapshot.oracle } : {}),
          },
        ]),
      runDeadline,
    );
    if (repaired.kind === 'abandoned') return await finish('abandoned', 'You gave up');
    if (repaired.kind === 'timeout') return await finish('timed_out', 'Time is up');
    state.sla = 'green';
    state.repairedAt = repaired.value.at;

    await enter('repaired', 'SLA green and holding: repaired');
    if (patched('close-recording'))
      await quick.closeRecording.executeWithOptions({ summary: 'close the kubectl recording' }, [{ sessionId: plan.sessionId }]);
    await enter('scoring', 'Scoring your session');
    const timeToRepairSeconds = Math.max(0, Math.round((Date.parse(state.repairedAt) - Date.parse(state.startedAt)) / 1000));
    await quick.scoreSession.executeWithOptions({ summary: 'compute the score' }, [
      {
        sessionId: plan.sessionId,
        mode: plan.mode,
        parTimeSeconds: plan.parTimeSeconds,
        timeToRepairSeconds,
        hintsUsed: state.hintsUsed,
        ...(snapshot ? { faultTargets: snapshot.faultTargets } : {}),
      },
    ]);
    return await finish('completed', 'Session completed');
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() => finish('abandoned', 'Session cancelled by an operator'));
      throw error;
    }
    const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    log.error('session failed', { sessionId: plan.sessionId, workflowId: workflowInfo().workflowId, error: message });
    await CancellationScope.nonCancellable(() => finish('failed', 'The session could not continue', message));
    return state;
  }

  async function finish(phase: Phase, summary: string, failure?: string): Promise<SessionState> {
    if (failure) state.failure = failure;
    await CancellationScope.nonCancellable(async () => {
      await teardown.teardownSandbox.executeWithOptions({ summary: 'delete the sandbox (retried until it is gone)' }, [
        { sessionId: plan.sessionId },
      ]);
      if (patched('wire-monitoring')) {
        // Retried like teardown; only a permanent Sumo misconfiguration ends it, and that must not fail the session.
        await teardown.unwireMonitoring
          .executeWithOptions({ summary: 'remove the monitoring dashboard and access' }, [{ sessionId: plan.sessionId }])
          .catch((error: unknown) => log.warn('monitoring could not be removed', { sessionId: plan.sessionId, error: String(error) }));
      }
      await enter(phase, failure ? `${summary}: ${failure}` : summary);
    });
    return state;
  }
}
