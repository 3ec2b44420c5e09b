// The API's shapes as the website sees them. DTOs come from the API contract as types only
// (a lint rule keeps runtime code of api/ out of the website); the few shapes the contract
// does not export yet are declared here from ARCHITECTURE.md.
export type {
  CreateSessionBody,
  CreatedSessionDto,
  EventDto,
  LeaderboardRowDto,
  ReplayStepDto,
  ResultDto,
  ScoreBreakdownDto,
  HealthDto,
  Mode,
  Phase,
  ScenarioSummaryDto,
  SessionDto,
  SessionEventDto,
  SlaSeriesDto,
  SlaStatus,
  SystemDto,
} from '../../../api/contract.ts';

export type {
  ReportDto,
  ReportInput as ReportInputBody,
  ReportSummary as ReportSummaryDto,
  Review as ReviewBody,
  Similar as SimilarDto,
} from '../../../api/reports/report-contract.ts';

import type { ResultDto, SessionDto, SessionEventDto } from '../../../api/contract.ts';

export type SlaObjective = SessionDto['sla']['objectives'][number];
export type EventKind = SessionEventDto['kind'];

/** POST /api/sessions/:id/hints */
export interface HintDto {
  hint?: string;
  hintsUsed: number;
  cost?: number;
}

export type ScoreReasonDto = ResultDto['reasons'][number];

/** Messages on WS /api/sessions/:id/events */
export type LiveMessage = { type: 'event'; event: SessionEventDto } | { type: 'session'; session: SessionDto };

/** An API failure in a shape that can be sent to the page (no stack, no URL, no token). */
export interface ApiFailure {
  status: number;
  code: string;
  message: string;
}
