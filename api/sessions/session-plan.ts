// Fixes a session's plan at creation: later edits to the library do not change a running session.
import type { Config } from '../../config/config.ts';
import type { Scenario } from '../../scenarios/lib/schema.ts';
import type { SessionPlan } from '../../workflows/types.ts';
import type { CreateSessionBody } from '../contract.ts';

export function sessionPlan(sessionId: string, scenario: Scenario, body: CreateSessionBody, config: Config): SessionPlan {
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
  };
}

export { workflowIdOf } from '../../workflows/session-ids.ts';
