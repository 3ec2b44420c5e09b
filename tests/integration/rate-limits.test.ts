// Session creation (20 a minute) and hints (10 a minute) are rate limited per client: past the limit the API
// answers 429 in its one error shape, with when to retry. Counted before validation, so bad requests count too.
// Wrong tokens are limited too: 20 failed checks a minute per client address and session (or operator calls).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { insertSessionRow } from '../support/session-row.ts';

describe('rate limits', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: inject('databases')[0]!.url,
    });
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
    const create = () =>
      harness.app.inject({
        method: 'POST',
        url: '/api/sessions',
        payload: { scenarioId: 'storefront-scaled-to-zero', systemId: 'mainframe', mode: 'learn', participant: { name: 'Flood' } },
      });
    expect(await statusesOf(20, create)).toEqual(Array(20).fill(400));
    const limited = await create();
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('try again in'), details: { retryAfter: expect.any(String) } },
    });
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('hints: the 11th request within a minute gets 429', async () => {
    const hint = () =>
      harness.app.inject({ method: 'POST', url: `/api/sessions/${randomUUID()}/hints`, headers: { authorization: 'Bearer not-a-token' } });
    expect(await statusesOf(10, hint)).toEqual(Array(10).fill(404));
    const limited = await hint();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
  });

  it('wrong tokens: after 20 failed checks for one session (or for operator calls) from one address, its token checks get 429', async () => {
    const [sessionId, otherSessionId] = [
      await insertSessionRow(harness.database.db, 'Guessed'),
      await insertSessionRow(harness.database.db, 'Untouched'),
    ];
    const guess = (id: string, remoteAddress = '127.0.0.1') =>
      harness.app.inject({
        method: 'GET',
        url: `/api/sessions/${id}`,
        headers: { authorization: `Bearer ${randomUUID()}` },
        remoteAddress,
      });
    const extend = (token: string) =>
      harness.app.inject({
        method: 'POST',
        url: `/api/sessions/${sessionId}/extend`,
        headers: { authorization: `Bearer ${token}` },
        payload: { seconds: 60 },
      });
    expect(await statusesOf(20, () => guess(sessionId))).toEqual(Array(20).fill(401));
    const limited = await guess(sessionId);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('try again in'), details: { retryAfter: expect.any(String) } },
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The website calls the API for all its visitors from one address: another session, and the same session
    // from another address, are not locked out; requests without a token (the public catalog) still work.
    expect((await guess(otherSessionId)).statusCode).toBe(401);
    expect((await guess(sessionId, '127.0.0.2')).statusCode).toBe(401);
    expect((await harness.app.inject({ method: 'GET', url: '/api/scenarios' })).statusCode).toBe(200);

    // Operator calls are one target, whatever session or event they name.
    expect(await statusesOf(20, () => extend(randomUUID()))).toEqual(Array(20).fill(401));
    expect((await extend(randomUUID())).statusCode).toBe(429);
    expect(
      (await harness.app.inject({ method: 'POST', url: '/api/events', headers: { authorization: `Bearer ${randomUUID()}` }, payload: {} }))
        .statusCode,
    ).toBe(429);
    // Even the right operator token is refused from that address now: guessing on is pointless.
    expect((await extend('operator-test-token')).statusCode).toBe(429);
  });
});
