// The public API's edges on real services: the catalog per mode, bad input refused with the right
// status and one error shape, sessions closed to everyone without their token, operator-only calls.
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { isTerminalPhase, TERMINAL_PHASES } from '../../domain/session-terms.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, getSession, namespaceExists, waitForPhase } from '../support/session-client.ts';

const REAL_ID = 'storefront-scaled-to-zero';
const valid = { scenarioId: REAL_ID, systemId: 'demo-app', mode: 'learn', participant: { name: 'Test Participant' } };

function expectError(response: LightMyRequestResponse, status: number, code?: string) {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json();
  expect(body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
  expect(body.error.message).not.toBe('');
  if (code) expect(body.error.code).toBe(code);
  return body.error as { code: string; message: string; details?: { field: string; message: string }[] };
}

describe('the public API at its edges', () => {
  let harness: Harness;
  let learn: { id: string; participantToken: string };
  let challenge: { id: string; participantToken: string };
  let challengeId: string;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const strays: { id: string; participantToken: string }[] = [];
  const post = async (payload: unknown) => {
    const response = await harness.app.inject({ method: 'POST', url: '/api/sessions', payload: payload as object });
    if (response.statusCode === 201) strays.push(response.json()); // a wrongly accepted request must not leak a sandbox
    return response;
  };

  beforeAll(async () => {
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: inject('databases')[0]!.url,
    });
    learn = await createSession(harness.app);
    challengeId = harness.challengeId(REAL_ID);
    challenge = await createSession(harness.app, { mode: 'challenge', scenarioId: challengeId });
  });

  afterAll(async () => {
    if (!harness) return;
    // No sandbox is left behind: every session this file made is abandoned and seen to end.
    for (const session of [learn, challenge, ...strays]) {
      if (!session) continue;
      const { phase } = await getSession(harness.app, session.id, session.participantToken);
      if (!isTerminalPhase(phase)) {
        await harness.app.inject({ method: 'POST', url: `/api/sessions/${session.id}/abandon`, headers: bearer(session.participantToken) });
      }
      await waitForPhase(harness.app, session.id, session.participantToken, [...TERMINAL_PHASES]);
      expect(await namespaceExists(harness.kube, sandboxNamespace(session.id))).toBe(false);
    }
    await harness.close();
  });

  describe('before the sandbox is ready', () => {
    // Runs first, right after creation: the session is still provisioning.
    it('has no kubeconfig yet (409)', async () => {
      const response = await harness.app.inject({
        method: 'GET',
        url: `/api/sessions/${learn.id}/kubeconfig`,
        headers: bearer(learn.participantToken),
      });
      expectError(response, 409, 'conflict');
    });

    it('has no result yet (409)', async () => {
      const response = await harness.app.inject({
        method: 'GET',
        url: `/api/sessions/${learn.id}/result`,
        headers: bearer(learn.participantToken),
      });
      expectError(response, 409, 'conflict');
    });
  });

  describe('health, catalog and docs', () => {
    it('reports every dependency healthy', async () => {
      const response = await harness.app.inject({ method: 'GET', url: '/api/health' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ ok: true, temporal: true, db: true, cluster: true });
    });

    it('lists the systems with their services', async () => {
      const response = await harness.app.inject({ method: 'GET', url: '/api/systems' });
      expect(response.statusCode).toBe(200);
      const demo = response.json().find((system: { id: string }) => system.id === 'demo-app');
      expect(demo).toMatchObject({ name: expect.any(String), description: expect.any(String) });
      expect(demo.services).toContain('storefront');
    });

    it('shows title and root cause in Learn mode, and no codename', async () => {
      const response = await harness.app.inject({ method: 'GET', url: '/api/scenarios?mode=learn' });
      const scenario = response.json().find((s: { id: string }) => s.id === REAL_ID);
      expect(scenario.title).toBe(harness.library.scenarios.get(REAL_ID)!.spec.title);
      expect(scenario.rootCause).toBe(harness.library.scenarios.get(REAL_ID)!.spec.rootCause);
      expect(scenario).not.toHaveProperty('codename');
    });

    it('gives away nothing in Challenge mode: codename ids, no title, no root cause', async () => {
      const response = await harness.app.inject({ method: 'GET', url: '/api/scenarios?mode=challenge' });
      expect(response.statusCode).toBe(200);
      const spec = harness.library.scenarios.get(REAL_ID)!.spec;
      const listed = response.json() as Record<string, unknown>[];
      expect(listed.map((s) => s.id)).toContain(challengeId);
      for (const scenario of listed) {
        expect(Object.keys(scenario).sort()).toEqual(['codename', 'id', 'systemIds', 'tags']);
        expect(scenario.id).toMatch(/^[a-z0-9-]+$/);
      }
      for (const secret of [REAL_ID, spec.title, spec.rootCause, spec.codename, ...spec.tags]) expect(response.body).not.toContain(secret);
    });

    it('refuses an unknown mode', async () => {
      expectError(await harness.app.inject({ method: 'GET', url: '/api/scenarios?mode=spoiler' }), 400);
    });

    it('publishes an OpenAPI document with the session routes', async () => {
      const response = await harness.app.inject({ method: 'GET', url: '/api/docs/json' });
      expect(response.statusCode).toBe(200);
      const paths = Object.keys(response.json().paths);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/api/sessions',
          '/api/sessions/{id}',
          '/api/sessions/{id}/kubeconfig',
          '/api/sessions/{id}/start',
          '/api/sessions/{id}/abandon',
          '/api/sessions/{id}/hints',
          '/api/sessions/{id}/result',
          '/api/sessions/{id}/result.md',
          '/api/events',
          '/api/events/{id}',
          '/api/events/{id}/leaderboard',
          '/api/events/{id}/participants',
          '/api/events/{id}/participants/import',
        ]),
      );
    });

    it('serves the browsable API docs at /api/docs', async () => {
      const page = await harness.app.inject({ method: 'GET', url: '/api/docs/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('swagger-ui');
    });
  });

  describe('no public answer links a Challenge codename to a Learn scenario', () => {
    const get = async (url: string, token?: string) => {
      const response = await harness.app.inject({ method: 'GET', url, headers: token ? bearer(token) : {} });
      expect(response.statusCode, url).toBe(200);
      return response.body;
    };

    it('Learn answers and the API docs name no Challenge codename; Challenge answers name no Learn scenario', async () => {
      const scenarios = [...harness.library.scenarios.values()];
      const challengeNames = scenarios.flatMap((s) => Object.values(harness.identities.challenge(s)));
      const learnNames = scenarios.flatMap((s) => [s.metadata.name, s.spec.title, s.spec.rootCause, s.spec.codename]);
      const learnAnswers = [
        await get('/api/scenarios?mode=learn'),
        await get('/api/scenarios'),
        await get(`/api/sessions/${learn.id}`, learn.participantToken),
        await get('/api/docs/json'),
      ];
      const challengeAnswers = [
        await get('/api/scenarios?mode=challenge'),
        await get(`/api/sessions/${challenge.id}`, challenge.participantToken),
      ];
      for (const body of learnAnswers) for (const name of challengeNames) expect(body).not.toContain(name);
      for (const body of challengeAnswers) for (const name of learnNames) expect(body).not.toContain(name);
    });

    it('what a Challenge entry shares with the Learn catalog (its systems, its place in the list) singles out no scenario', async () => {
      const learnList = JSON.parse(await get('/api/scenarios?mode=learn')) as { id: string; systemIds: string[] }[];
      const challengeList = JSON.parse(await get('/api/scenarios?mode=challenge')) as { id: string; systemIds: string[] }[];
      const candidates = (systems: string[]) => learnList.filter((entry) => entry.systemIds.join() === systems.join()).length;
      for (const entry of challengeList) expect(candidates(entry.systemIds), entry.id).toBeGreaterThanOrEqual(2);
      // Listed by codename, not in the library's order.
      expect(challengeList.map((entry) => entry.id)).toEqual(challengeList.map((entry) => entry.id).sort());
    });
  });

  describe('creating a session with bad input', () => {
    it('refuses an unknown scenario (400) naming the field', async () => {
      const error = expectError(await post({ ...valid, scenarioId: 'no-such-failure' }), 400);
      expect(error.details).toContainEqual(expect.objectContaining({ field: 'scenarioId' }));
    });

    it('refuses the real scenario id from a Challenge client (400): only the codename works there', async () => {
      const error = expectError(await post({ ...valid, mode: 'challenge' }), 400);
      expect(error.details).toContainEqual(expect.objectContaining({ field: 'scenarioId' }));
      // Nor the library's own (public) nickname for it.
      const nickname = harness.library.scenarios.get(REAL_ID)!.spec.codename.toLowerCase().replace(/ /g, '-');
      expectError(await post({ ...valid, mode: 'challenge', scenarioId: nickname }), 400);
    });

    it('refuses an unknown system (400) naming the field', async () => {
      const error = expectError(await post({ ...valid, systemId: 'mainframe' }), 400);
      expect(error.details).toContainEqual(expect.objectContaining({ field: 'systemId' }));
    });

    it('refuses malformed JSON (400)', async () => {
      const response = await harness.app.inject({
        method: 'POST',
        url: '/api/sessions',
        headers: { 'content-type': 'application/json' },
        payload: '{"scenarioId": "storefront-',
      });
      expectError(response, 400);
    });

    it('refuses a participant without a name (400) naming the field', async () => {
      const error = expectError(await post({ ...valid, participant: {} }), 400, 'validation_failed');
      expect(error.details).toContainEqual(expect.objectContaining({ field: 'participant.name' }));
      expectError(await post({ ...valid, participant: { name: '' } }), 400, 'validation_failed');
    });

    it('refuses control characters in text fields (400 naming the field, not a 500 from the database)', async () => {
      for (const name of ['Ada\u0000', 'Ada\u001b[31m', 'Line\nbreak', 'Del\u007f']) {
        const error = expectError(await post({ ...valid, participant: { name } }), 400, 'validation_failed');
        expect(error.details).toContainEqual(expect.objectContaining({ field: 'participant.name' }));
      }
      for (const [field, body] of [
        ['participant.badgeId', { ...valid, participant: { name: 'Ada', badgeId: 'KC\u00001' } }],
        ['scenarioId', { ...valid, scenarioId: 'storefront\u0000' }],
        ['eventId', { ...valid, eventId: 'booth\u0000' }],
      ] as const) {
        const error = expectError(await post(body), 400, 'validation_failed');
        expect(error.details).toContainEqual(expect.objectContaining({ field }));
      }
      // Names from anywhere in the world pass: this one is refused only for its unknown system.
      const worldly = expectError(
        await post({ ...valid, systemId: 'mainframe', participant: { name: 'Zoë Ørsted 山田' } }),
        400,
        'bad_request',
      );
      expect(worldly.details).toEqual([expect.objectContaining({ field: 'systemId' })]);
    });

    it('refuses fields the API does not know (400)', async () => {
      const topLevel = expectError(await post({ ...valid, isAdmin: true }), 400, 'validation_failed');
      expect(topLevel.details).toContainEqual(expect.objectContaining({ field: 'isAdmin' }));
      const nested = expectError(await post({ ...valid, participant: { name: 'Mallory', score: 1000 } }), 400, 'validation_failed');
      expect(nested.details).toContainEqual(expect.objectContaining({ field: 'participant.score' }));
    });
  });

  describe('a session is closed to everyone without its token', () => {
    const routes = [
      { method: 'GET', path: '' },
      { method: 'GET', path: '/kubeconfig' },
      { method: 'GET', path: '/result' },
      { method: 'POST', path: '/start' },
      { method: 'POST', path: '/abandon' },
      { method: 'POST', path: '/hints' },
    ] as const;

    it.each(routes)('$method $path without a token: 401', async ({ method, path }) => {
      expectError(await harness.app.inject({ method, url: `/api/sessions/${learn.id}${path}` }), 401, 'unauthorized');
    });

    it.each(routes)("$method $path with another session's token: 401", async ({ method, path }) => {
      const response = await harness.app.inject({
        method,
        url: `/api/sessions/${learn.id}${path}`,
        headers: bearer(challenge.participantToken),
      });
      expectError(response, 401, 'unauthorized');
    });

    it.each(routes)('$method $path of an unknown session: 404', async ({ method, path }) => {
      const response = await harness.app.inject({
        method,
        url: `/api/sessions/${randomUUID()}${path}`,
        headers: bearer(learn.participantToken),
      });
      expectError(response, 404, 'not_found');
    });

    it('was neither started nor abandoned by those calls', async () => {
      const session = await getSession(harness.app, learn.id, learn.participantToken);
      expect(['provisioning', 'ready']).toContain(session.phase);
      expect(session.startedAt).toBeUndefined();
    });

    it('shows a Challenge session under its codename only', async () => {
      const response = await harness.app.inject({
        method: 'GET',
        url: `/api/sessions/${challenge.id}`,
        headers: bearer(challenge.participantToken),
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().scenarioId).toBe(challengeId);
      const spec = harness.library.scenarios.get(REAL_ID)!.spec;
      for (const secret of [REAL_ID, spec.title, spec.rootCause, spec.codename]) expect(response.body).not.toContain(secret);
    });
  });

  describe('operator calls', () => {
    const extend = (id: string, headers: Record<string, string> = {}, payload: object = { seconds: 300 }) =>
      harness.app.inject({ method: 'POST', url: `/api/sessions/${id}/extend`, headers, payload });

    it("refuses to extend time without the operator token, even for the session's participant", async () => {
      expectError(await extend(learn.id), 401, 'unauthorized');
      expectError(await extend(learn.id, bearer(learn.participantToken)), 401, 'unauthorized');
      expectError(await extend(learn.id, bearer('operator-test-token-but-longer')), 401, 'unauthorized');
    });

    it('extends a running session with the operator token (202)', async () => {
      const response = await extend(learn.id, bearer('operator-test-token'));
      expect(response.statusCode, response.body).toBe(202);
      expect(response.json()).toEqual({ extendedBy: 300 });
    });

    it('checks the operator token before the body: a bad body without the token is 401, not 400', async () => {
      expectError(await extend(learn.id, {}, { seconds: 'many' }), 401, 'unauthorized');
      expectError(await extend(learn.id, bearer('wrong'), { hours: 1 }), 401, 'unauthorized');
      expectError(
        await harness.app.inject({
          method: 'POST',
          url: `/api/sessions/${learn.id}/extend`,
          headers: { ...bearer('wrong'), 'content-type': 'application/json' },
          payload: '{"seconds":',
        }),
        401,
        'unauthorized',
      );
    });

    it('refuses a bad extension and an unknown session', async () => {
      expectError(await extend(learn.id, bearer('operator-test-token'), { seconds: 0 }), 400);
      expectError(await extend(randomUUID(), bearer('operator-test-token')), 404, 'not_found');
    });
  });

  it('treats a session id no session can have as unknown, not as a server error', async () => {
    // A NUL byte cannot be stored in Postgres text: sent to the database, it failed the query with a 500.
    for (const path of ['', '/kubeconfig', '/result']) {
      const response = await harness.app.inject({
        method: 'GET',
        url: `/api/sessions/%00abc${path}`,
        headers: bearer(learn.participantToken),
      });
      expectError(response, 404, 'not_found');
    }
  });
});
