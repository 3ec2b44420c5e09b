// Activities are retried, so the read model's writes are idempotent: a retry adds no duplicate event to
// the participant's timeline and leaves the session's timestamps where they were.
import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { recordEvent, recordPhase } from '../../activities/session-store.ts';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { sessionEvents, sessions } from '../../db/schema.ts';

describe.each(inject('databases'))('session read model on $name', ({ url }) => {
  let database: DatabaseHandle;
  let sessionId: string;
  const created: string[] = [];
  const newSession = async () => {
    const id = randomUUID();
    await database.db.insert(sessions).values({
      id,
      workflowId: `session-${id}`,
      scenarioId: 'storefront-scaled-to-zero',
      systemId: 'demo-app',
      mode: 'learn',
      participantName: 'Idempotent Ida',
      tokenHash: 'a'.repeat(64),
      phase: 'provisioning',
    });
    created.push(id);
    return id;
  };
  const eventsOf = (id: string) =>
    database.db.select().from(sessionEvents).where(eq(sessionEvents.sessionId, id)).orderBy(asc(sessionEvents.id));
  const sessionRow = async (id: string) => (await database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;

  beforeAll(() => {
    database = openDatabase(url);
  });
  beforeEach(async () => {
    sessionId = await newSession();
  });
  afterAll(async () => {
    for (const id of created) await database.db.delete(sessions).where(eq(sessions.id, id));
    await database.close();
  });

  it('stores an event once however often it is recorded, keeping the first version', async () => {
    await recordEvent(database.db, { sessionId, dedupeKey: 'fault:0', kind: 'note', summary: 'Fault injected' });
    await recordEvent(database.db, { sessionId, dedupeKey: 'fault:0', kind: 'note', summary: 'Fault injected (retry)' });
    const events = await eventsOf(sessionId);
    expect(events.map((event) => event.summary)).toEqual(['Fault injected']);
  });

  it('stores one event when retries race each other', async () => {
    await Promise.all(
      Array.from({ length: 5 }, () => recordEvent(database.db, { sessionId, dedupeKey: 'hint:0', kind: 'hint', summary: 'Hint 1 used' })),
    );
    expect(await eventsOf(sessionId)).toHaveLength(1);
  });

  it('keeps events with different keys, and the same key in another session', async () => {
    const other = await newSession();
    await recordEvent(database.db, { sessionId, dedupeKey: 'hint:0', kind: 'hint', summary: 'Hint 1 used' });
    await recordEvent(database.db, { sessionId, dedupeKey: 'hint:1', kind: 'hint', summary: 'Hint 2 used' });
    await recordEvent(database.db, { sessionId: other, dedupeKey: 'hint:0', kind: 'hint', summary: 'Hint 1 used' });
    expect((await eventsOf(sessionId)).map((event) => event.dedupeKey)).toEqual(['hint:0', 'hint:1']);
    expect(await eventsOf(other)).toHaveLength(1);
  });

  it('records a phase once and stamps startedAt when the fault is injected', async () => {
    const at = new Date('2026-03-01T10:01:00Z');
    await recordPhase(database.db, sessionId, 'ready', new Date('2026-03-01T10:00:00Z'), 'Sandbox ready', 'fl-ns-1');
    await recordPhase(database.db, sessionId, 'injecting', at, 'Injecting the fault');
    await recordPhase(database.db, sessionId, 'injecting', at, 'Injecting the fault');
    const events = await eventsOf(sessionId);
    expect(events.filter((event) => event.kind === 'phase').map((event) => event.summary)).toEqual([
      'Sandbox ready',
      'Injecting the fault',
    ]);
    const row = await sessionRow(sessionId);
    expect(row.phase).toBe('injecting');
    expect(row.startedAt?.toISOString()).toBe(at.toISOString());
    expect(row.namespace).toBe('fl-ns-1');
    expect(row.endedAt).toBeNull();
  });

  it.each(['completed', 'abandoned', 'timed_out', 'failed'] as const)('stamps endedAt once on %s and keeps startedAt', async (phase) => {
    const started = new Date('2026-03-01T10:01:00Z');
    const ended = new Date('2026-03-01T10:09:00Z');
    await recordPhase(database.db, sessionId, 'injecting', started, 'Injecting the fault');
    await recordPhase(database.db, sessionId, phase, ended, `Session ${phase}`);
    await recordPhase(database.db, sessionId, phase, ended, `Session ${phase}`);
    const row = await sessionRow(sessionId);
    expect(row.phase).toBe(phase);
    expect(row.startedAt?.toISOString()).toBe(started.toISOString());
    expect(row.endedAt?.toISOString()).toBe(ended.toISOString());
    expect((await eventsOf(sessionId)).filter((event) => event.dedupeKey === `phase:${phase}`)).toHaveLength(1);
  });
});
