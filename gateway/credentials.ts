// Gateway credentials: a random token per kubeconfig download, stored as its sha256, tied to one session and
// useless once that session ends or the credential expires.
import { and, eq, gt } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { kubeCredentials, sessions } from '../db/schema.ts';
import { isTerminalPhase, type Mode } from '../domain/session-terms.ts';
import { hashToken, newParticipantToken } from '../lib/tokens.ts';

export interface GatewaySession {
  sessionId: string;
  namespace: string;
  mode: Mode;
}

export async function issueKubeCredential(db: Database, sessionId: string, expiresAt: Date): Promise<string> {
  const { token, hash } = newParticipantToken();
  await db.insert(kubeCredentials).values({ tokenHash: hash, sessionId, expiresAt });
  return token;
}

/** base64url of 32 random bytes: anything else cannot be one of ours, and is refused without a query. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type Authentication = { ok: true; session: GatewaySession } | { ok: false; reason: string };

export async function authenticate(db: Database, authorization: string | undefined, now = new Date()): Promise<Authentication> {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
  if (!token) return { ok: false, reason: 'a bearer token is required' };
  if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: 'invalid bearer token' };
  const [row] = await db
    .select({ sessionId: sessions.id, namespace: sessions.namespace, mode: sessions.mode, phase: sessions.phase })
    .from(kubeCredentials)
    .innerJoin(sessions, eq(sessions.id, kubeCredentials.sessionId))
    .where(and(eq(kubeCredentials.tokenHash, hashToken(token)), gt(kubeCredentials.expiresAt, now)))
    .limit(1);
  if (!row) return { ok: false, reason: 'invalid or expired bearer token' };
  if (isTerminalPhase(row.phase)) return { ok: false, reason: `the session has ended (${row.phase})` };
  if (!row.namespace) return { ok: false, reason: 'the session has no sandbox' };
  return { ok: true, session: { sessionId: row.sessionId, namespace: row.namespace, mode: row.mode } };
}
