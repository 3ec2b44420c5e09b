// The read model: sessions and their events, failure reports and remediations. Written by activities, read by the API and streamed to browsers.
import { sql } from 'drizzle-orm';
import { bigserial, customType, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { EVENT_KINDS, MODES, PHASES, SLA_STATUSES } from '../domain/session-terms.ts';
import { REMEDIATION_STATUSES, REPORT_STATUSES, VERIFICATION_TRIGGERS } from '../domain/report-terms.ts';

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

// ---- Failure reports and remediations -------------------------------------------------------------------

/** A PostgreSQL full-text document (drizzle has no built-in type for it). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const reportStatus = pgEnum('report_status', REPORT_STATUSES);
export const remediationStatus = pgEnum('remediation_status', REMEDIATION_STATUSES);

/** Where a report's environment is described: the cluster and the components involved. */
export interface ReportEnvironment {
  kubernetesVersion?: string;
  provider?: string;
  components: string[];
}

/** GIN index storage: entries go straight into the index instead of a pending list merged later. */
const GIN_DIRECT = { fastupdate: false };

/**
 * What people report: the required fields (what failed, impact, detection, environment, timeline, trigger),
 * the optional ones, and what review added (tags, the scenario that reproduces it, the report it duplicates).
 * `search` is the weighted full-text document similarity and search read; components are lower-cased for overlap.
 */
export const reports = pgTable(
  'reports',
  {
    id: text('id').primaryKey(),
    /** The client's `Idempotency-Key`: the same key always means the same report. */
    idempotencyKey: text('idempotency_key').notNull(),
    status: reportStatus('status').notNull().default('draft'),
    title: text('title').notNull().default(''),
    whatFailed: text('what_failed').notNull().default(''),
    impact: text('impact').notNull().default(''),
    detection: text('detection').notNull().default(''),
    trigger: text('trigger').notNull().default(''),
    timeline: text('timeline').notNull().default(''),
    environment: jsonb('environment').$type<ReportEnvironment>().notNull().default({ components: [] }),
    components: text('components')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    rootCause: text('root_cause'),
    remediationSteps: text('remediation_steps'),
    links: jsonb('links').$type<string[]>().notNull().default([]),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    scenarioId: text('scenario_id'),
    /** The session the report was reproduced in (linked by a reviewer): its recording gives the behaviour. */
    sessionId: text('session_id'),
    /**
     * How the failure behaved (domain/behaviour-signature.ts): SLA objectives red and first red, red duration,
     * conditions seen, fix steps. Written when a session or scenario is linked or a remediation added.
     */
    behaviour: text('behaviour')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    duplicateOf: text('duplicate_of'),
    /** `seed` for the library's own reports written from public post-mortems. */
    origin: text('origin', { enum: ['user', 'seed'] })
      .notNull()
      .default('user'),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(what_failed, '') || ' ' || coalesce(root_cause, '')), 'B') || setweight(to_tsvector('english', coalesce(impact, '') || ' ' || coalesce(detection, '') || ' ' || coalesce(trigger, '') || ' ' || coalesce(timeline, '') || ' ' || coalesce(remediation_steps, '')), 'C')`,
      ),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('reports_idempotency_idx').on(table.idempotencyKey),
    index('reports_status_idx').on(table.status, table.createdAt),
    // The GIN indexes similarity searches take no pending list (fastupdate off): reports are written one at a time,
    // and without autovacuum (PGlite has none) every search would scan the list of entries not yet merged.
    index('reports_search_idx').using('gin', table.search).with(GIN_DIRECT),
    // GiST, not GIN: it returns the nearest titles first (`<->`), where GIN's trigram counts let most short titles
    // through to be rechecked. 256-byte signatures (default 12) keep the inner pages telling titles apart.
    index('reports_title_trgm_idx').using('gist', sql`${table.title} gist_trgm_ops(siglen=256)`),
    index('reports_tags_idx').using('gin', table.tags).with(GIN_DIRECT),
    index('reports_components_idx').using('gin', table.components).with(GIN_DIRECT),
    index('reports_behaviour_idx').using('gin', table.behaviour).with(GIN_DIRECT),
  ],
);

/**
 * The library's scenarios as similarity sees them, refreshed from the YAML library at API start: reports and
 * scenarios are ranked by one SQL query.
 */
export const scenarioDocuments = pgTable(
  'scenario_documents',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    tags: text('tags').array().notNull(),
    components: text('components').array().notNull(),
    systems: text('systems').array().notNull(),
    /** The behaviour its definition implies: the objectives its fault breaks, the conditions it brings, its solutions' steps. */
    behaviour: text('behaviour')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(sql`setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')`),
  },
  (table) => [
    index('scenario_documents_search_idx').using('gin', table.search),
    index('scenario_documents_behaviour_idx').using('gin', table.behaviour),
  ],
);

/** Terms that suggest a taxonomy tag: a report whose text matches `query` (a tsquery) is suggested `tag`. */
export const tagRules = pgTable(
  'tag_rules',
  {
    tag: text('tag').notNull(),
    query: text('query').notNull(),
  },
  (table) => [uniqueIndex('tag_rules_idx').on(table.tag, table.query)],
);

/** A fix attached to a report: kubectl command lines (a scenario solution's shape) and prose. */
export const remediations = pgTable(
  'remediations',
  {
    id: text('id').primaryKey(),
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key'),
    summary: text('summary').notNull(),
    commands: jsonb('commands').$type<string[]>().notNull(),
    status: remediationStatus('status').notNull().default('unverified'),
    /** Why it was verified or refuted. */
    reason: text('reason'),
    /** The headless session whose replay is the evidence. */
    evidenceSessionId: text('evidence_session_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('remediations_report_idx').on(table.reportId), uniqueIndex('remediations_idempotency_idx').on(table.idempotencyKey)],
);

/**
 * Every verification of a remediation, its verdict and what it ran against (content digests of the scenario, its
 * system and the commands): the remediation shows the latest; one whose digests are no longer current is run again.
 * `id` is the headless session's id (the evidence).
 */
export const remediationVerifications = pgTable(
  'remediation_verifications',
  {
    id: text('id').primaryKey(),
    remediationId: text('remediation_id')
      .notNull()
      .references(() => remediations.id, { onDelete: 'cascade' }),
    workflowId: text('workflow_id').notNull(),
    trigger: text('trigger', { enum: VERIFICATION_TRIGGERS }).notNull(),
    scenarioId: text('scenario_id').notNull(),
    systemId: text('system_id').notNull(),
    commands: jsonb('commands').$type<string[]>().notNull(),
    scenarioDigest: text('scenario_digest').notNull(),
    systemDigest: text('system_digest').notNull(),
    commandsDigest: text('commands_digest').notNull(),
    /** The three in one (16 hex digits); empty for verdicts recorded before digests were kept (always stale). */
    digest: text('digest').notNull(),
    status: remediationStatus('status').notNull().default('verifying'),
    reason: text('reason'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [index('remediation_verifications_remediation_idx').on(table.remediationId, table.startedAt)],
);

/** Every change to a report or remediation: who (role), what, and the fields before and after. */
export const reportAudit = pgTable(
  'report_audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    remediationId: text('remediation_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor', { enum: ['reporter', 'reviewer', 'operator', 'system'] }).notNull(),
    action: text('action').notNull(),
    changes: jsonb('changes').$type<Record<string, { before?: unknown; after?: unknown }>>().notNull().default({}),
  },
  (table) => [index('report_audit_report_idx').on(table.reportId, table.id)],
);

/** Webhook subscribers: publications matching their tags (all when empty) are POSTed, signed with their secret. */
export const subscribers = pgTable('subscribers', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  tags: text('tags')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One publication to one subscriber: its attempts, the last answer, and when it was delivered. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    subscriberId: text('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    /** What is published, e.g. `report-published:<id>`: one delivery per subscriber and publication. */
    publication: text('publication').notNull(),
    payload: jsonb('payload').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('webhook_deliveries_publication_idx').on(table.subscriberId, table.publication)],
);

export type ReportRow = typeof reports.$inferSelect;
export type RemediationRow = typeof remediations.$inferSelect;
export type RemediationVerificationRow = typeof remediationVerifications.$inferSelect;
export type SubscriberRow = typeof subscribers.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
