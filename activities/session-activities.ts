// The session's activities: all I/O of the scenarioSession workflow, keyed by session id and idempotent.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Database } from '../db/client.ts';
import type { Library, LoadedSystem } from '../scenarios/lib/load.ts';
import { manifestsSha256 } from '../scenarios/lib/manifests-digest.ts';
import { loadGeneratorObjects } from '../cluster/load-generator.ts';
import type { Objective, Predicate, Scenario } from '../scenarios/lib/schema.ts';
import type { HintResult, Mode, Phase, ScoreInput, SlaStatus } from '../workflows/types.ts';
import type { Kube } from '../cluster/kube.ts';
import { readOnce } from '../cluster/read-once.ts';
import { InvalidManifestError, parseManifests } from '../cluster/sandbox.ts';
import type { ClusterDriver } from '../cluster/driver.ts';
import { createClusterDriver } from '../cluster/drivers.ts';
import { ErrorType } from '../workflows/error-types.ts';
import { applyFault, faultTookEffect, FaultTargetMissingError } from './faults/apply-fault.ts';
import { createFaultActivities } from './fault-activities.ts';
import { whileHeartbeating } from './keep-alive.ts';
import { createMonitoringActivities, type MonitoringDeps } from './monitoring-activities.ts';
import { createRecordingActivities } from './recording-activities.ts';
import { HINT_COST, computeScore, type ScoreResult } from '../scoring/score.ts';
import { readScoreRecording } from './score-recording.ts';
import { recordEvent, recordHintsUsed, recordPhase, recordResult } from './session-store.ts';
import { SlaEvaluator } from './sla/evaluator.ts';
import { predicatesHold } from './oracle/predicates.ts';
import { kubeStateProvider } from './sla/kube-state.ts';
import { pushSliSeries } from './sla/sumo/sli-series.ts';
import type { StateLine } from './sla/sumo/state-lines.ts';
import { journeyWindowsAt } from './sla/journey-windows.ts';
import { firstGreenAt } from './sla/samples.ts';
import { watch, type WatchProgress } from './sla/watch.ts';
import { sweepSandboxes, type SweepResult } from './sweeper.ts';

export interface ActivityDeps {
  db: Database;
  /** The driven cluster: builds the default `sim` driver when no driver is given. */
  kube?: Kube;
  library: Library;
  slaPollSeconds: number;
  /** The process-wide batching SLA evaluator; default: kube-state polled every slaPollSeconds. */
  slaEvaluator?: SlaEvaluator;
  /** Pushes SLA changes as state lines; default: to Sumo's HTTP source when one is configured. */
  pushStatusLine?: (line: StateLine) => Promise<void>;
  /** Sumo Logic settings for per-session monitoring; without credentials monitoring is a no-op. */
  sumo?: MonitoringDeps['sumo'];
  /** Where sandboxes live (CLUSTER_DRIVER); default: a namespace per session on `kube` (the `sim` driver). Every
   * call into a session's sandbox goes through its kubeFor: a cluster-per-session driver has one cluster each. */
  driver?: ClusterDriver;
  /** Where verified remediations of published reports are published to webhook subscribers (the web origin of
   * their links, the publications' task queue); undefined: they are not. */
  publications?: { webOrigin: string; taskQueue: string };
}

const NO_SUMO: MonitoringDeps['sumo'] = {
  accessId: undefined,
  accessKey: undefined,
  apiUrl: '',
  httpSourceUrl: undefined,
  otlpUrl: undefined,
  collectorOtlpUrl: '',
  uiUrl: '',
  ingestLagSeconds: 0,
  windowSeconds: 0,
  participantEmailTemplate: undefined,
};

/** What watchSla waits for: the SLA red, green, or repaired (oracle holds and SLA green for holdSeconds). */
export type SlaTarget = 'red' | 'green' | 'repaired';

export interface WatchSlaInput {
  sessionId: string;
  namespace: string;
  systemId: string;
  scenarioId?: string;
  until: SlaTarget;
  holdSeconds: number;
  /** From the plan's snapshot; sessions created before it read them from the library (by systemId / scenarioId). */
  objectives?: Objective[];
  oracle?: Predicate[];
}

export interface DeploySystemInput {
  sessionId: string;
  namespace: string;
  systemId: string;
  /** The manifests' digest when the session was created; absent for sessions created before plans carried it. */
  manifestsSha256?: string;
}

/** Permanent: a session deploys the system it was created with, or none (a new session gets the new one). */
function checkUnchanged(systemId: string, loaded: LoadedSystem, expected: string | undefined): void {
  if (expected === undefined) return;
  const actual = manifestsSha256(loaded.manifests);
  if (actual === expected) return;
  throw ApplicationFailure.nonRetryable(
    `system ${systemId} changed since this session was created (manifests sha256 ${actual.slice(0, 12)}…, the session expects ${expected.slice(0, 12)}…): start a new session`,
    ErrorType.SystemChanged,
  );
}

export function createActivities({
  db,
  kube,
  library,
  slaPollSeconds,
  slaEvaluator,
  pushStatusLine,
  sumo,
  driver = createClusterDriver('sim', kube),
}: ActivityDeps) {
  const kubeFor = driver.kubeFor;
  const evaluator = slaEvaluator ?? new SlaEvaluator(kubeStateProvider(kubeFor), slaPollSeconds * 1000);
  const monitoring = createMonitoringActivities({ db, library, sumo: sumo ?? NO_SUMO });
  const pushLine = pushStatusLine ?? (sumo?.httpSourceUrl ? monitoring.pushStatusLine : undefined);
  const system = (id: string) => {
    const loaded = library.systems.get(id);
    if (!loaded) throw ApplicationFailure.nonRetryable(`unknown system ${id}`, ErrorType.SystemNotFound);
    return loaded;
  };
  const scenario = (id: string): Scenario => {
    const found = library.scenarios.get(id);
    if (!found) throw ApplicationFailure.nonRetryable(`unknown scenario ${id}`, ErrorType.ScenarioNotFound);
    return found;
  };

  return {
    ...createFaultActivities({ db, kubeFor }),
    ...createRecordingActivities({ db }),
    ...monitoring,

    async recordPhase(input: { sessionId: string; phase: Phase; at: string; summary: string; namespace?: string }): Promise<void> {
      const row = await recordPhase(db, input.sessionId, input.phase, new Date(input.at), input.summary, input.namespace);
      // The status panel: each phase change is also a state line in the session's monitoring, when configured.
      if (pushLine && row) {
        const elapsedSeconds = row.startedAt ? Math.max(0, Math.round((Date.parse(input.at) - row.startedAt.getTime()) / 1000)) : 0;
        await pushLine({
          sessionId: input.sessionId,
          phase: input.phase,
          event: input.summary,
          elapsedSeconds,
          violated: [],
          sla: row.slaStatus,
        });
      }
    },

    async recordNote(input: { sessionId: string; key: string; summary: string }): Promise<void> {
      await recordEvent(db, { sessionId: input.sessionId, dedupeKey: input.key, kind: 'note', summary: input.summary });
    },

    async provisionSandbox({ sessionId }: { sessionId: string }): Promise<{ namespace: string }> {
      return { namespace: await whileHeartbeating(() => driver.createSandbox(sessionId)) };
    },

    async deploySystem({ sessionId, namespace, systemId, manifestsSha256: expected }: DeploySystemInput): Promise<void> {
      const loaded = system(systemId);
      checkUnchanged(systemId, loaded, expected);
      let objects;
      try {
        objects = parseManifests(loaded.manifests);
      } catch (error) {
        if (error instanceof InvalidManifestError) throw ApplicationFailure.nonRetryable(error.message, ErrorType.InvalidManifest);
        throw error;
      }
      // The engine's load generator comes with the system: its journeys are the SLA's real traffic.
      const manifests = [...objects, ...loadGeneratorObjects(loaded.system)];
      await whileHeartbeating(async () => {
        await driver.applyManifests(sessionId, namespace, manifests);
        await driver.grantParticipantAccess(sessionId, namespace);
      });
    },

    /** Kept for sessions started before the workflow interpreted scenario steps itself (replay). */
    async injectFault({ sessionId, namespace, scenarioId }: { sessionId: string; namespace: string; scenarioId: string }): Promise<void> {
      // Sessions started before the workflow interpreted steps itself: their scenarios are flat fault lists.
      const steps = scenario(scenarioId).spec.steps.flatMap((step) => ('fault' in step ? [step] : []));
      const kube = await kubeFor(sessionId);
      for (const [index, step] of steps.entries()) {
        try {
          const summary = await applyFault(kube, namespace, step.fault);
          await recordEvent(db, {
            sessionId,
            dedupeKey: `fault:${index}`,
            kind: 'note',
            summary: 'Fault injected',
            detail: { step: index, summary },
          });
        } catch (error) {
          if (error instanceof FaultTargetMissingError) throw ApplicationFailure.nonRetryable(error.message, ErrorType.FaultTargetMissing);
          throw error;
        }
        while (!(await faultTookEffect(kube, namespace, step.fault))) {
          Context.current().heartbeat({ step: index });
          await sleep(250, undefined, { signal: Context.current().cancellationSignal });
        }
      }
    },

    /** Long-running: waits on the batched SLA evaluator every poll and returns only on the awaited transition. */
    async watchSla(input: WatchSlaInput): Promise<{ status: SlaStatus; at: string }> {
      const context = Context.current();
      const objectives: Objective[] = input.objectives ?? system(input.systemId).system.spec.objectives;
      const rates = Object.fromEntries(
        (library.systems.get(input.systemId)?.system.spec.loadGenerator?.journeys ?? []).map((j) => [j.name, j.ratePerSecond]),
      );
      // The ready gate judges the last seconds of runs, later watches the runs since it (journey-windows.ts).
      const healthySince = input.until === 'green' ? undefined : await firstGreenAt(db, input.sessionId);
      const oracle: Predicate[] = input.oracle ?? (input.scenarioId ? scenario(input.scenarioId).spec.oracle.predicates : []);
      return watch(input, {
        db,
        evaluator,
        objectives,
        objectivesAt: (now) => journeyWindowsAt(objectives, { healthySince, now, rates }),
        oracleHolds: async () => predicatesHold(readOnce(await kubeFor(input.sessionId)), input.namespace, oracle),
        // A retried watch resumes from its last heartbeat, so the n-th transition keeps its event key.
        resumed: context.info.heartbeatDetails as WatchProgress | undefined,
        heartbeat: (progress) => context.heartbeat(progress),
        signal: context.cancellationSignal,
        onReading: pushLine,
        onSample: sumo?.otlpUrl
          ? (reading, at) => pushSliSeries(sumo.collectorOtlpUrl, input.sessionId, input.namespace, reading, at)
          : undefined,
      });
    },

    /** `hint` is the plan's; sessions created before plans carried their hints read it from the library. */
    async revealHint(input: { sessionId: string; scenarioId: string; index: number; mode: Mode; hint?: string }): Promise<HintResult> {
      const { sessionId, index, mode } = input;
      const fromLibrary = () => {
        const hints = scenario(input.scenarioId).spec.hints;
        return hints[Math.min(index, hints.length - 1)] ?? '';
      };
      const hint = input.hint ?? fromLibrary();
      await recordEvent(db, {
        sessionId,
        dedupeKey: `hint:${index}`,
        kind: 'hint',
        summary: `Hint ${index + 1} used`,
        detail: mode === 'learn' ? { hint } : undefined,
      });
      await recordHintsUsed(db, sessionId, index + 1);
      return { hint, hintsUsed: index + 1, cost: HINT_COST[mode] };
    },

    /** Scores from the recording in the database (SLA readings, kubectl requests), so a retry scores the same. */
    async scoreSession(input: ScoreInput): Promise<ScoreResult> {
      const result = computeScore(await readScoreRecording(db, library, input));
      await recordResult(db, input.sessionId, result);
      return result;
    },

    /** Deletes sandboxes whose session is closed or unknown (run by the sandboxSweeper schedule). */
    async sweepSandboxes(): Promise<SweepResult> {
      return sweepSandboxes(db, driver, 120);
    },

    /** Deletes the sandbox and waits until it is gone; safe to run any number of times. */
    async teardownSandbox({ sessionId }: { sessionId: string }): Promise<void> {
      while (!(await driver.deleteSandbox(sessionId))) {
        Context.current().heartbeat();
        await sleep(500, undefined, { signal: Context.current().cancellationSignal });
      }
    },
  };
}

export type SessionActivities = ReturnType<typeof createActivities>;
