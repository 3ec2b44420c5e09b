// Loads a session for a request and checks that the caller holds its participant token.
import { asc, eq, gt, and } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Database } from '../../db/client.ts';
import { sessionEvents, sessions, type SessionRow, type SessionEventRow } from '../../db/schema.ts';
import { notFound, unauthorized } from '../errors.ts';
import { bearerToken, tokenMatches, TOKEN_TTL_AFTER_END_MS } from '../../lib/tokens.ts';

/** Session ids are UUIDs; anything else (a NUL byte would fail the query) cannot name a session. */
const SESSION_ID = /^[A-Za-z0-9-]{1,64}$/;

export async function findSession(db: Database, id: string): Promise<SessionRow | undefined> {
  if (!SESSION_ID.test(id)) return undefined;
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id)).limit(1);
  return row;
}

/** 404 for unknown ids and 401 for a missing, wrong or expired token: nothing is learnt about other sessions. */
export async function authorizeParticipant(db: Database, request: FastifyRequest, id: string, now = Date.now()): Promise<SessionRow> {
  const token = bearerToken(request.headers);
  if (!token) throw unauthorized();
  const row = await findSession(db, id);
  if (!row) throw notFound('session');
  if (!tokenMatches(token, row.tokenHash)) throw unauthorized('this token does not belong to this session');
  if (row.endedAt && now - row.endedAt.getTime() > TOKEN_TTL_AFTER_END_MS) throw unauthorized('this token has expired');
  return row;
}

export async function eventsAfter(db: Database, sessionId: string, afterId: number, limit = 500): Promise<SessionEventRow[]> {
  return db
    .select()
    .from(sessionEvents)
    .where(and(eq(sessionEvents.sessionId, sessionId), gt(sessionEvents.id, afterId)))
    .orderBy(asc(sessionEvents.id))
    .limit(limit);
}
