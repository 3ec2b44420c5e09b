// Session creation (20 a minute) and hints (10 a minute) are rate limited per client: past the limit the API
// answers 429 in its one error shape, with when to retry. Counted before validation, so bad requests count too.
// Wrong tokens (participant or operator) are limited too: 20 failed checks a minute per client address.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { insertSessionRow } from '../support/session-row.ts';

describe('rate limits', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ temporalAddress: inject('temporalAddress'), kubeconfig: inject('kubeconfig'), databaseUrl: inject('databases')[0]!.url });
  });

  afterAll(async () => {
    await harness?.close();
  });

  async function statusesOf(requests: number, send: () => Promise<{ statusCode: number }>) {
    const statuses: number[] = [];
    for (let i = 0; i < requests; i += 1) statuses.push((await send()).statusCode);
    return statuses;
  }

  it('session creation: the 21st request within a minute gets 429', async () => {
    // An unknown system is refused after the limit check, so no sandbox is created.
    const create = () => harness.app.inject({ method: 'POST', url: '/api/sessions', payload: { scenarioId: 'storefront-scaled-to-zero', systemId: 'mainframe', mode: 'learn', participant: { name: 'Flood' } } });
    expect(await statusesOf(20, create)).toEqual(Array(20).fill(400));
    const limited = await create();
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('try again in'), details: { retryAfter: expect.any(String) } } });
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('hints: the 11th request within a minute gets 429', async () => {
    const hint = () => harness.app.inject({ method: 'POST', url: `/api/sessions/${randomUUID()}/hints`, headers: { authorization: 'Bearer not-a-token' } });
    expect(await statusesOf(10, hint)).toEqual(Array(10).fill(404));
    const limited = await hint();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
  });

  it('wrong tokens: after 20 failed checks from one address, every token check from it gets 429 for the rest of the minute', async () => {
    const sessionId = await insertSessionRow(harness.database.db, 'Guessed');
    const guessParticipant = () => harness.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}`, headers: { authorization: `Bearer ${randomUUID()}` } });
    const guessOperator = () => harness.app.inject({ method: 'POST', url: `/api/sessions/${sessionId}/extend`, headers: { authorization: `Bearer ${randomUUID()}` }, payload: { seconds: 60 } });
    // Participant and operator guesses share one count per address.
    expect(await statusesOf(10, guessParticipant)).toEqual(Array(10).fill(401));
    expect(await statusesOf(10, guessOperator)).toEqual(Array(10).fill(401));
    for (const limited of [await guessParticipant(), await guessOperator()]) {
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('try again in'), details: { retryAfter: expect.any(String) } } });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Even the right operator token is refused from that address now: guessing on is pointless.
    const rightToken = await harness.app.inject({ method: 'POST', url: `/api/sessions/${sessionId}/extend`, headers: { authorization: 'Bearer operator-test-token' }, payload: { seconds: 60 } });
    expect(rightToken.statusCode).toBe(429);
    // Another address is not affected, and requests without a token (the public catalog) still work from this one.
    const elsewhere = await harness.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}`, headers: { authorization: `Bearer ${randomUUID()}` }, remoteAddress: '127.0.0.2' });
    expect(elsewhere.statusCode).toBe(401);
    expect((await harness.app.inject({ method: 'GET', url: '/api/scenarios' })).statusCode).toBe(200);
  });
});
