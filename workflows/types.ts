// Shapes shared by the session workflow, its activities and the API. Types only: no runtime code.
import type { Mode, Phase, SlaStatus } from '../domain/session-terms.ts';
import type { Objective, Predicate, Step } from '../scenarios/lib/schema.ts';

export type { Mode, Phase, SlaStatus, Objective, Predicate, Step };

/** Everything the workflow needs to know, fixed when the session is created. */
export interface SessionPlan {
  sessionId: string;
  scenarioId: string;
  systemId: string;
  mode: Mode;
  participantName: string;
  eventId?: string;
  parTimeSeconds: number;
  timeLimitSeconds: number;
  provisionTimeoutSeconds: number;
  readyTimeoutSeconds: number;
  holdSeconds: number;
  hintCount: number;
  slaPollSeconds: number;
  /** The scenario's steps, copied at creation; absent in sessions started before the workflow interpreted them. */
  steps?: Step[];
  /** The rest of what the session reads from the library, copied at creation; absent in sessions created before. */
  snapshot?: LibrarySnapshot;
}

/**
 * What a session's activities read from the library, fixed when it is created: editing the library, or a worker
 * of another version during a rolling deploy, does not change a session already running.
 */
export interface LibrarySnapshot {
  /** The scenario's root-cause predicates: a repair counts only once they hold. */
  oracle: Predicate[];
  /** The system's SLA objectives, with their per-provider SLIs. */
  objectives: Objective[];
  hints: string[];
  /** Names the scenario's faults act on: changing them is the fix, not collateral damage (scoring). */
  faultTargets: string[];
  /** The scenario as the monitoring dashboard tells it (title and root cause shown only in Learn mode). */
  briefing: { title: string; story: string; rootCause: string };
  /** sha256 (hex) of the system's manifests: the deploy refuses a system that changed since the session was created. */
  manifestsSha256: string;
}

export interface SessionState {
  phase: Phase;
  namespace?: string;
  createdAt: string;
  readyAt?: string;
  startedAt?: string;
  repairedAt?: string;
  endedAt?: string;
  sla: SlaStatus;
  hintsUsed: number;
  extraSeconds: number;
  failure?: string;
  dashboardUrl?: string;
}

export interface HintResult {
  hint: string;
  hintsUsed: number;
  cost: number;
}

export interface ScoreInput {
  sessionId: string;
  mode: Mode;
  parTimeSeconds: number;
  timeToRepairSeconds: number;
  hintsUsed: number;
  /** From the plan's snapshot; absent for sessions created before, which read them from the library. */
  faultTargets?: string[];
}

/** One remediation command as the verification ran it. */
export interface CommandOutput {
  command: string;
  ok: boolean;
  output: string;
}

/** A remediation verified by a headless session of its report's scenario, with the remediation as the solution. */
export interface VerificationInput {
  remediationId: string;
  commands: string[];
  /** The headless session's plan and workflow id (a session row the API created, as for any session). */
  plan: SessionPlan;
  sessionWorkflowId: string;
}

export interface VerificationVerdict {
  status: 'verified' | 'refuted';
  reason: string;
  /** The headless session: its replay is the evidence. */
  sessionId: string;
  commands: CommandOutput[];
}
