// The public HTTP API's shapes: one source of truth for validation, OpenAPI and the website's types.
import { Type, type Static } from '@sinclair/typebox';
import { EventKindSchema, ModeSchema, PhaseSchema, SlaStatusSchema } from '../domain/session-schemas.ts';

// The session terms are defined in domain/; re-exported here so the contract reads whole.
export { ModeSchema, PhaseSchema, SlaStatusSchema };
export type { Mode, Phase, SlaStatus } from '../domain/session-terms.ts';
/** Text that may reach the database and the pages: no control characters (Postgres text cannot hold a NUL). */
const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f]*$';
const PlainText = (limits: { minLength: number; maxLength: number }) => Type.String({ ...limits, pattern: NO_CONTROL_CHARACTERS });
/** A badge id as a scanner prints it: no spaces, commas, quotes or control characters. */
const BADGE_ID_PATTERN = '^[^\\s,"\\u0000-\\u001f\\u007f]+$';

export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});
export type ApiError = Static<typeof ErrorSchema>;

export const SystemSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  services: Type.Array(Type.String()),
});
export type SystemDto = Static<typeof SystemSchema>;

/**
 * One scenario of the catalog. Learn mode: real id, title, root cause, difficulty, par time and tags, never a codename.
 * Challenge mode: the codename (its slug is the id) and the systems only; anything more (difficulty, par time)
 * would single out the Learn entry it stands for.
 */
export const ScenarioSummarySchema = Type.Object({
  id: Type.String(),
  codename: Type.Optional(Type.String()),
  systemIds: Type.Array(Type.String()),
  difficulty: Type.Optional(Type.String()),
  parTimeSeconds: Type.Optional(Type.Integer()),
  tags: Type.Array(Type.String()),
  title: Type.Optional(Type.String()),
  rootCause: Type.Optional(Type.String()),
});
export type ScenarioSummaryDto = Static<typeof ScenarioSummarySchema>;

export const CreateSessionSchema = Type.Object(
  {
    scenarioId: PlainText({ minLength: 1, maxLength: 100 }),
    systemId: PlainText({ minLength: 1, maxLength: 100 }),
    mode: ModeSchema,
    participant: Type.Object(
      {
        name: PlainText({ minLength: 1, maxLength: 100 }),
        badgeId: Type.Optional(PlainText({ minLength: 1, maxLength: 100 })),
      },
      { additionalProperties: false },
    ),
    eventId: Type.Optional(PlainText({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type CreateSessionBody = Static<typeof CreateSessionSchema>;

export const CreatedSessionSchema = Type.Object({
  id: Type.String(),
  participantToken: Type.String(),
  phase: PhaseSchema,
});
export type CreatedSessionDto = Static<typeof CreatedSessionSchema>;

export const SessionEventSchema = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  kind: EventKindSchema,
  summary: Type.String(),
  detail: Type.Optional(Type.Unknown()),
});
export type SessionEventDto = Static<typeof SessionEventSchema>;

export const ObjectiveStatusSchema = Type.Object({
  name: Type.String(),
  status: SlaStatusSchema,
  value: Type.Optional(Type.Number()),
  target: Type.Optional(Type.Number()),
  description: Type.Optional(Type.String()),
});

export const SessionSchema = Type.Object({
  id: Type.String(),
  phase: PhaseSchema,
  mode: ModeSchema,
  scenarioId: Type.String(),
  systemId: Type.String(),
  /** Learn mode only. */
  title: Type.Optional(Type.String()),
  /** Challenge mode only. */
  codename: Type.Optional(Type.String()),
  createdAt: Type.String(),
  startedAt: Type.Optional(Type.String()),
  repairedAt: Type.Optional(Type.String()),
  endedAt: Type.Optional(Type.String()),
  elapsedSeconds: Type.Number(),
  sla: Type.Object({ status: SlaStatusSchema, objectives: Type.Array(ObjectiveStatusSchema) }),
  hintsUsed: Type.Integer(),
  dashboardUrl: Type.Optional(Type.String()),
  events: Type.Array(SessionEventSchema),
});
export type SessionDto = Static<typeof SessionSchema>;

export const HealthSchema = Type.Object({
  ok: Type.Boolean(),
  temporal: Type.Boolean(),
  db: Type.Boolean(),
  cluster: Type.Boolean(),
});
export type HealthDto = Static<typeof HealthSchema>;

const Slug = Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', minLength: 1, maxLength: 63 });

/** POST /api/events (operator): a booth at a conference, a workshop, a team's game day. */
export const CreateEventSchema = Type.Object(
  {
    id: Slug,
    name: PlainText({ minLength: 1, maxLength: 200 }),
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
    /** Scenario ids of the library (their real ids; participants see codenames in Challenge mode). */
    scenarioIds: Type.Array(PlainText({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 50, uniqueItems: true }),
    mode: Type.Optional(ModeSchema),
  },
  { additionalProperties: false },
);
export type CreateEventBody = Static<typeof CreateEventSchema>;

/** As in the catalog: a Learn event shows titles, difficulty and par time; a Challenge event its own codenames only. */
export const EventScenarioSchema = Type.Object({
  /** The id to create a session with in the event's mode. */
  id: Type.String(),
  codename: Type.Optional(Type.String()),
  systemIds: Type.Array(Type.String()),
  difficulty: Type.Optional(Type.String()),
  parTimeSeconds: Type.Optional(Type.Integer()),
  title: Type.Optional(Type.String()),
});

/** GET /api/events/:id (public): what the catalog and the big screen need; no badge ids. */
export const EventSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  startsAt: Type.String(),
  endsAt: Type.String(),
  mode: ModeSchema,
  scenarios: Type.Array(EventScenarioSchema),
  participantCount: Type.Integer(),
});
export type EventDto = Static<typeof EventSchema>;

export const RegisterParticipantSchema = Type.Object(
  {
    badgeId: Type.String({ minLength: 1, maxLength: 100, pattern: BADGE_ID_PATTERN }),
    name: PlainText({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);
export type RegisterParticipantBody = Static<typeof RegisterParticipantSchema>;

export const ParticipantSchema = Type.Object({ eventId: Type.String(), badgeId: Type.String(), name: Type.String() });
export type ParticipantDto = Static<typeof ParticipantSchema>;

export const LeaderboardRowSchema = Type.Object({
  rank: Type.Integer(),
  participantKey: Type.String(),
  name: Type.String(),
  totalScore: Type.Integer(),
  solved: Type.Integer(),
  scenarioCount: Type.Integer(),
  totalTimeSeconds: Type.Integer(),
  solvedAll: Type.Boolean(),
  scores: Type.Record(Type.String(), Type.Integer()),
});
export type LeaderboardRowDto = Static<typeof LeaderboardRowSchema>;

export const ScoreBreakdownSchema = Type.Object({
  base: Type.Integer(),
  timePenalty: Type.Integer(),
  budgetPenalty: Type.Integer(),
  hintPenalty: Type.Integer(),
  collateralPenalty: Type.Integer(),
  total: Type.Integer(),
});
export type ScoreBreakdownDto = Static<typeof ScoreBreakdownSchema>;

export const ScoreReasonSchema = Type.Object({
  term: Type.Union([
    Type.Literal('time'),
    Type.Literal('budget'),
    Type.Literal('hints'),
    Type.Literal('collateral'),
    Type.Literal('floor'),
  ]),
  points: Type.Integer(),
  message: Type.String(),
});

export const ReplayStepSchema = Type.Object({
  at: Type.String(),
  /** Seconds from Start (negative before it). */
  offsetSeconds: Type.Number(),
  kind: SessionEventSchema.properties.kind,
  summary: Type.String(),
  detail: Type.Optional(Type.Unknown()),
});
export type ReplayStepDto = Static<typeof ReplayStepSchema>;

export const ResultSchema = Type.Object({
  score: Type.Integer(),
  breakdown: ScoreBreakdownSchema,
  reasons: Type.Array(ScoreReasonSchema),
  formula: Type.String(),
  timeToRepairSeconds: Type.Integer(),
  parTimeSeconds: Type.Optional(Type.Integer()),
  redSeconds: Type.Optional(Type.Integer()),
  startedAt: Type.Optional(Type.String()),
  /** When the SLA turned green for good (the repair). */
  greenAt: Type.Optional(Type.String()),
  replay: Type.Array(ReplayStepSchema),
  rootCause: Type.Optional(Type.String()),
  explanation: Type.Optional(Type.String()),
  solution: Type.Optional(Type.Array(Type.String())),
});
export type ResultDto = Static<typeof ResultSchema>;

/** A time span in epoch milliseconds. */
const SpanSchema = Type.Object({ from: Type.Number(), to: Type.Number() });
const Values = Type.Array(Type.Union([Type.Number(), Type.Null()]));

/** GET /api/sessions/:id/sla-series: the SLIs over time for the charts. Times are epoch milliseconds. */
export const SlaSeriesSchema = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  /** True while the session runs: `to` is now and the series grows. */
  live: Type.Boolean(),
  startedAt: Type.Optional(Type.Number()),
  repairedAt: Type.Optional(Type.Number()),
  /** The shared time axis: one entry per SLA reading that changed, plus `to`. */
  times: Type.Array(Type.Number()),
  /** When the SLA as a whole was red. */
  redSpans: Type.Array(SpanSchema),
  objectives: Type.Array(
    Type.Object({
      name: Type.String(),
      /** `successRate`: 0..1 from real requests; `reading`: the objective's own value (e.g. ready endpoints). */
      sli: Type.Union([Type.Literal('successRate'), Type.Literal('reading')]),
      target: Type.Optional(Type.Number()),
      /** One per entry of `times`; null where the objective could not be read. */
      values: Values,
      latencyP95Ms: Type.Optional(Values),
      redSpans: Type.Array(SpanSchema),
      /** The chart in one sentence, for readers who do not see it. */
      summary: Type.String(),
    }),
  ),
  /** The participant's kubectl invocations through the gateway, oldest first; `change` when it wrote something. */
  steps: Type.Array(Type.Object({ at: Type.Number(), command: Type.String(), change: Type.Boolean() })),
});
export type SlaSeriesDto = Static<typeof SlaSeriesSchema>;
