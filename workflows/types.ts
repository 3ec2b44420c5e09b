// Shapes shared by the session workflow, its activities and the API. Types only: no runtime code.
import type { Mode, Phase, SlaStatus } from '../domain/session-terms.ts';
import type { Step } from '../scenarios/lib/schema.ts';

export type { Mode, Phase, SlaStatus, Step };

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

export interface HintResult { hint: string; hintsUsed: number; cost: number }

export interface ScoreInput {
  sessionId: string;
  mode: Mode;
  parTimeSeconds: number;
  timeToRepairSeconds: number;
  hintsUsed: number;
}
