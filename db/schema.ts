// The read model: sessions and their events. Written by activities, read by the API and streamed to browsers.
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  workflowId: text('workflow_id').notNull(),
  scenarioId: text('scenario_id').notNull(),
  systemId: text('system_id').notNull(),
  mode: text('mode', { enum: ['learn', 'challenge'] }).notNull(),
  participantName: text('participant_name').notNull(),
  badgeId: text('badge_id'),
  eventId: text('event_id'),
  /** sha256 of the participant token; the token itself is never stored. */
  tokenHash: text('token_hash').notNull(),
  phase: text('phase').notNull(),
  namespace: text('namespace'),
  slaStatus: text('sla_status').notNull().default('unknown'),
  slaObjectives: jsonb('sla_objectives').notNull().default([]),
  hintsUsed: integer('hints_used').notNull().default(0),
  result: jsonb('result'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  startedAt: timestamp('started_at', { withTimezone: true }),
  repairedAt: timestamp('repaired_at', { withTimezone: true }),
  endedAt: timestamp('ended_at', { withTimezone: true }),
}, (table) => [
  index('sessions_event_idx').on(table.eventId),
  index('sessions_phase_idx').on(table.phase),
]);

export const sessionEvents = pgTable('session_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  sessionId: text('session_id').notNull().references(() => sessions.id, { onDelete: 'cascade' }),
  /** Makes writes idempotent: a retried activity writes the same key and adds nothing. */
  dedupeKey: text('dedupe_key').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  kind: text('kind', { enum: ['kube', 'sla', 'phase', 'hint', 'note'] }).notNull(),
  summary: text('summary').notNull(),
  detail: jsonb('detail'),
}, (table) => [
  uniqueIndex('session_events_dedupe_idx').on(table.sessionId, table.dedupeKey),
  index('session_events_session_idx').on(table.sessionId, table.id),
]);

export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;
export type SessionEventRow = typeof sessionEvents.$inferSelect;
