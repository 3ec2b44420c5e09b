// Fixes a session's plan at creation: later edits to the library do not change a running session.
import type { Config } from '../../config/config.ts';
import type { LoadedSystem } from '../../scenarios/lib/load.ts';
import { manifestsSha256 } from '../../scenarios/lib/manifests-digest.ts';
import type { Scenario } from '../../scenarios/lib/schema.ts';
import { faultTargets } from '../../scenarios/lib/steps.ts';
import type { LibrarySnapshot, SessionPlan } from '../../workflows/types.ts';
import type { CreateSessionBody } from '../contract.ts';

export function sessionPlan(
  sessionId: string,
  scenario: Scenario,
  system: LoadedSystem,
  body: CreateSessionBody,
  config: Config,
): SessionPlan {
  return {
    sessionId,
    scenarioId: scenario.metadata.name,
    systemId: body.systemId,
    mode: body.mode,
    participantName: body.participant.name,
    ...(body.eventId ? { eventId: body.eventId } : {}),
    parTimeSeconds: scenario.spec.parTimeSeconds,
    timeLimitSeconds: config.timeLimitSecondsOverride ?? scenario.spec.timeLimitSeconds,
    provisionTimeoutSeconds: config.provisionTimeoutSeconds,
    readyTimeoutSeconds: config.readyTimeoutSeconds,
    holdSeconds: config.holdSecondsOverride ?? scenario.spec.oracle.holdSeconds,
    hintCount: scenario.spec.hints.length,
    slaPollSeconds: config.slaPollSeconds,
    steps: scenario.spec.steps,
    snapshot: librarySnapshot(scenario, system),
  };
}

/** The manifests themselves stay out: they are the largest part and would sit in the history of every session. */
export function librarySnapshot(scenario: Scenario, system: LoadedSystem): LibrarySnapshot {
  const { title, story, rootCause } = scenario.spec;
  return {
    oracle: scenario.spec.oracle.predicates,
    objectives: system.system.spec.objectives,
    hints: scenario.spec.hints,
    faultTargets: faultTargets(scenario.spec.steps),
    briefing: { title, story, rootCause },
    manifestsSha256: manifestsSha256(system.manifests),
  };
}

export { workflowIdOf } from '../../workflows/session-ids.ts';
