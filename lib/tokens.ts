// Participant tokens: random, URL-safe (they travel as a WebSocket subprotocol), stored only as a hash.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newParticipantToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenMatches(token: string, hash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(hash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Tokens stop working this long after their session ended (results stay readable for a day). */
export const TOKEN_TTL_AFTER_END_MS = 24 * 60 * 60 * 1000;

/** The bearer token of a request: the Authorization header, or a `bearer.<token>` WebSocket subprotocol. */
export function bearerToken(headers: Record<string, string | string[] | undefined>): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) return authorization.slice(7).trim() || undefined;
  const protocols = headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    const bearer = protocols
      .split(',')
      .map((p) => p.trim())
      .find((p) => p.startsWith('bearer.'));
    return bearer?.slice(7) || undefined;
  }
  return undefined;
}
