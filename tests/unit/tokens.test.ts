// Participant tokens: usable as a WebSocket subprotocol, stored only as hashes, and only the exact token
// opens its session.
import { describe, expect, it } from 'vitest';
import { bearerToken, hashToken, newParticipantToken, tokenMatches } from '../../lib/tokens.ts';

// RFC 6455 subprotocols are HTTP tokens: no separators, no '=' padding, no '/' or '+'.
const SUBPROTOCOL_SAFE = /^[A-Za-z0-9_-]+$/;

describe('participant tokens', () => {
  it('are URL-safe, long and different every time', () => {
    const tokens = Array.from({ length: 50 }, () => newParticipantToken().token);
    for (const token of tokens) {
      expect(token).toMatch(SUBPROTOCOL_SAFE);
      expect(token.length).toBeGreaterThanOrEqual(32);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('store a hash that is not the token and does not contain it', () => {
    const { token, hash } = newParticipantToken();
    expect(hash).not.toBe(token);
    expect(hash).not.toContain(token);
    expect(hash).toBe(hashToken(token));
  });

  it('match only the exact token', () => {
    const { token, hash } = newParticipantToken();
    const other = newParticipantToken();
    expect(tokenMatches(token, hash)).toBe(true);
    expect(tokenMatches(token.slice(0, -1), hash)).toBe(false);
    expect(tokenMatches(token.slice(0, 10), hash)).toBe(false);
    expect(tokenMatches(`${token}x`, hash)).toBe(false);
    expect(tokenMatches('', hash)).toBe(false);
    expect(tokenMatches(other.token, hash)).toBe(false);
    // Knowing the stored hash is not enough to get in.
    expect(tokenMatches(hash, hash)).toBe(false);
  });

  it('never match a damaged stored hash', () => {
    const { token, hash } = newParticipantToken();
    expect(tokenMatches(token, hash.slice(0, 32))).toBe(false);
    expect(tokenMatches(token, '')).toBe(false);
  });
});

describe('bearerToken', () => {
  it('reads the Authorization header', () => {
    expect(bearerToken({ authorization: 'Bearer abc_DEF-123' })).toBe('abc_DEF-123');
  });

  it('reads a bearer.<token> WebSocket subprotocol among others', () => {
    const { token } = newParticipantToken();
    expect(bearerToken({ 'sec-websocket-protocol': `failurelib, bearer.${token}` })).toBe(token);
    expect(bearerToken({ 'sec-websocket-protocol': `bearer.${token},failurelib` })).toBe(token);
  });

  it('finds nothing without a usable credential', () => {
    expect(bearerToken({})).toBeUndefined();
    expect(bearerToken({ authorization: 'Bearer ' })).toBeUndefined();
    expect(bearerToken({ authorization: 'Basic dXNlcjpwYXNz' })).toBeUndefined();
    expect(bearerToken({ 'sec-websocket-protocol': 'failurelib' })).toBeUndefined();
    expect(bearerToken({ 'sec-websocket-protocol': 'failurelib, bearer.' })).toBeUndefined();
  });
});
