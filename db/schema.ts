// The read model: sessions and their events. Written by activities, read by the API and streamed to browsers.
import { bigserial, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { EVENT_KINDS, MODES, PHASES, SLA_STATUSES } from '../domain/session-terms.ts';

/** A database enum, so a row can only hold a phase the code knows (and reads back typed, without a cast). */
export const sessionPhase = pgEnum('session_phase', PHASES);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    scenarioId: text('scenario_id').notNull(),
    systemId: text('system_id').notNull(),
    mode: text('mode', { enum: MODES }).notNull(),
    participantName: text('participant_name').notNull(),
    badgeId: text('badge_id'),
    eventId: text('event_id'),
    /** sha256 of the participant token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    phase: sessionPhase('phase').notNull(),
    namespace: text('namespace'),
    slaStatus: text('sla_status', { enum: SLA_STATUSES }).notNull().default('unknown'),
    slaObjectives: jsonb('sla_objectives').notNull().default([]),
    hintsUsed: integer('hints_used').notNull().default(0),
    /** The session's monitoring dashboard (Sumo Logic), when monitoring is configured. */
    dashboardUrl: text('dashboard_url'),
    result: jsonb('result'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    repairedAt: timestamp('repaired_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (table) => [index('sessions_event_idx').on(table.eventId), index('sessions_phase_idx').on(table.phase)],
);

export const sessionEvents = pgTable(
  'session_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    /** Makes writes idempotent: a retried activity writes the same key and adds nothing. */
    dedupeKey: text('dedupe_key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    kind: text('kind', { enum: EVENT_KINDS }).notNull(),
    summary: text('summary').notNull(),
    detail: jsonb('detail'),
  },
  (table) => [
    uniqueIndex('session_events_dedupe_idx').on(table.sessionId, table.dedupeKey),
    index('session_events_session_idx').on(table.sessionId, table.id),
  ],
);

export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;
export type SessionEventRow = typeof sessionEvents.$inferSelect;

/** Kube gateway credentials: one random token per kubeconfig download, stored hashed, dead once the session ends. */
export const kubeCredentials = pgTable(
  'kube_credentials',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('kube_credentials_session_idx').on(table.sessionId)],
);

/** One changed field of an object, as the kube gateway diffs it before and after a write. */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** What a kube_requests row keeps of a change: the redacted request body and the changed fields. */
export interface RecordedChange {
  body?: unknown;
  diff?: FieldChange[];
}

/** Every request a participant sends through the kube gateway: the raw material of the replay and of scoring. */
export const kubeRequests = pgTable(
  'kube_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection, connect. */
    verb: text('verb').notNull(),
    apiGroup: text('api_group').notNull().default(''),
    resource: text('resource').notNull(),
    namespace: text('namespace'),
    name: text('name'),
    subresource: text('subresource'),
    status: integer('status').notNull(),
    latencyMs: integer('latency_ms').notNull(),
    /** kubectl's own `Kubectl-Command` header (e.g. `kubectl scale`), when sent. */
    command: text('command'),
    /** kubectl's `Kubectl-Session` header: one id per kubectl invocation, so its requests group into one step. */
    clientSession: text('client_session'),
    /** The request's query string (selectors, `watch`, `follow`); Kubernetes query strings carry no credentials. */
    query: text('query'),
    /** For changes: the redacted request body and the object's fields before and after (Secret data never stored). */
    change: jsonb('change').$type<RecordedChange>(),
  },
  (table) => [index('kube_requests_session_idx').on(table.sessionId, table.id)],
);

/** An event such as a conference booth: a set of scenarios, a time window and a leaderboard. */
export const events = pgTable('events', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
  scenarioIds: jsonb('scenario_ids').$type<string[]>().notNull(),
  mode: text('mode', { enum: MODES }).notNull().default('challenge'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** People registered at an event by a badge scan (or CSV import). */
export const eventParticipants = pgTable(
  'event_participants',
  {
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    badgeId: text('badge_id').notNull(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('event_participants_badge_idx').on(table.eventId, table.badgeId)],
);

/** SLA readings over time (one row per evaluation that changed a value), for charts, replay and error budget. */
export const slaSamples = pgTable(
  'sla_samples',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    status: text('status', { enum: SLA_STATUSES }).notNull(),
    objectives: jsonb('objectives').notNull(),
  },
  (table) => [index('sla_samples_session_idx').on(table.sessionId, table.id)],
);

export type KubeRequestRow = typeof kubeRequests.$inferSelect;
export type NewKubeRequestRow = typeof kubeRequests.$inferInsert;
export type EventRow = typeof events.$inferSelect;
export type EventParticipantRow = typeof eventParticipants.$inferSelect;
export type SlaSampleRow = typeof slaSamples.$inferSelect;
