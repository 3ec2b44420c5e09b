// The public HTTP API's shapes: one source of truth for validation, OpenAPI and the website's types.
import { Type, type Static } from '@sinclair/typebox';

export const ModeSchema = Type.Union([Type.Literal('learn'), Type.Literal('challenge')]);
export type Mode = Static<typeof ModeSchema>;

export const PHASES = [
  'provisioning', 'ready', 'injecting', 'running', 'repaired', 'scoring', 'completed',
  'abandoned', 'timed_out', 'failed',
] as const;
export const PhaseSchema = Type.Union(PHASES.map((phase) => Type.Literal(phase)));
export type Phase = Static<typeof PhaseSchema>;
export const TERMINAL_PHASES: readonly Phase[] = ['completed', 'abandoned', 'timed_out', 'failed'];

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

export const ScenarioSummarySchema = Type.Object({
  id: Type.String(),
  codename: Type.String(),
  systemIds: Type.Array(Type.String()),
  difficulty: Type.String(),
  parTimeSeconds: Type.Integer(),
  tags: Type.Array(Type.String()),
  title: Type.Optional(Type.String()),
  rootCause: Type.Optional(Type.String()),
});
export type ScenarioSummaryDto = Static<typeof ScenarioSummarySchema>;

export const CreateSessionSchema = Type.Object(
  {
    scenarioId: Type.String({ minLength: 1, maxLength: 100 }),
    systemId: Type.String({ minLength: 1, maxLength: 100 }),
    mode: ModeSchema,
    participant: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 100 }),
        badgeId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      },
      { additionalProperties: false },
    ),
    eventId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
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
  kind: Type.Union([
    Type.Literal('kube'), Type.Literal('sla'), Type.Literal('phase'),
    Type.Literal('hint'), Type.Literal('note'),
  ]),
  summary: Type.String(),
  detail: Type.Optional(Type.Unknown()),
});
export type SessionEventDto = Static<typeof SessionEventSchema>;

export const SlaStatusSchema = Type.Union([Type.Literal('green'), Type.Literal('red'), Type.Literal('unknown')]);
export type SlaStatus = Static<typeof SlaStatusSchema>;

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
  title: Type.Optional(Type.String()),
  codename: Type.String(),
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
