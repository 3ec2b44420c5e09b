// Events on real services: operators create an event and register badges (one scan or a CSV import, all or
// nothing), sessions join only with a registered badge inside the event's window, scenarios and mode, and the
// public leaderboard ranks completed runs only. On PGlite and on PostgreSQL; the full run only on the first.
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { kubeRequests, sessionEvents, sessions } from '../../db/schema.ts';
import { isTerminalPhase, TERMINAL_PHASES, type Phase } from '../../domain/session-terms.ts';
import { eventLibrary } from '../support/event-library.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { getSession, kubectl, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

const OPERATOR = { authorization: 'Bearer operator-test-token' };
const SCENARIO = 'storefront-scaled-to-zero';
const hour = 3600_000;

function expectError(response: LightMyRequestResponse, status: number) {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json() as {
    error: { code: string; message: string; details?: { field?: string; line?: number; message: string }[] };
  };
  expect(body.error.message).not.toBe('');
  return body.error;
}

describe.each(inject('databases').map((database, index) => ({ ...database, full: index === 0 })))('events on $name', ({ url, full }) => {
  let harness: Harness;
  const library = eventLibrary();
  const suffix = randomUUID().slice(0, 8);
  const eventId = `booth-${suffix}`;
  const created: { id: string; participantToken: string }[] = [];

  const post = (path: string, payload: unknown, headers: Record<string, string> = OPERATOR) =>
    harness.app.inject({ method: 'POST', url: path, headers, payload: payload as object });
  const createEvent = (overrides: Record<string, unknown> = {}) =>
    post('/api/events', {
      id: eventId,
      name: 'KubeCon booth',
      startsAt: new Date(Date.now() - hour).toISOString(),
      endsAt: new Date(Date.now() + hour).toISOString(),
      scenarioIds: [SCENARIO],
      ...overrides,
    });
  /** Each event has its own Challenge codenames. */
  const challengeId = (scenarioId = SCENARIO, event = eventId) => harness.challengeId(scenarioId, event);
  const join = async (
    overrides: Record<string, unknown> = {},
    participant: Record<string, unknown> = { name: 'Someone', badgeId: 'B-100' },
  ) => {
    const scenarioId = challengeId(SCENARIO, typeof overrides.eventId === 'string' ? overrides.eventId : eventId);
    const response = await post(
      '/api/sessions',
      { scenarioId, systemId: 'demo-app', mode: 'challenge', eventId, participant, ...overrides },
      {},
    );
    if (response.statusCode === 201) created.push(response.json());
    return response;
  };

  beforeAll(async () => {
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: url,
      env: { FL_SCENARIOS_DIR: library.dir },
    });
  });

  afterAll(async () => {
    if (harness) {
      for (const session of created) {
        const { phase } = await getSession(harness.app, session.id, session.participantToken);
        if (!isTerminalPhase(phase))
          await post(`/api/sessions/${session.id}/abandon`, {}, { authorization: `Bearer ${session.participantToken}` });
        await waitForPhase(harness.app, session.id, session.participantToken, [...TERMINAL_PHASES]);
      }
      await harness.close();
    }
    library.remove();
  });

  describe('operators set up the event', () => {
    it('refuses every operator call without the operator token (401), before looking at the input', async () => {
      expectError(await post('/api/events', { nonsense: true }, {}), 401);
      expectError(await post('/api/events', {}, { authorization: 'Bearer wrong' }), 401);
      expectError(await post(`/api/events/${eventId}/participants`, { badgeId: 'B-1', name: 'x' }, {}), 401);
      const csv = await harness.app.inject({
        method: 'POST',
        url: `/api/events/${eventId}/participants/import`,
        headers: { 'content-type': 'text/csv' },
        payload: 'badgeId,name\nB-1,x\n',
      });
      expectError(csv, 401);
    });

    it('refuses a bad event naming every field (400)', async () => {
      const error = expectError(
        await createEvent({ scenarioIds: [SCENARIO, 'no-such-failure'], endsAt: new Date(Date.now() - 2 * hour).toISOString() }),
        400,
      );
      expect(error.details?.map((d) => d.field)).toEqual(['scenarioIds.1', 'endsAt']);
      expectError(await createEvent({ id: 'Not A Slug' }), 400);
      expectError(await createEvent({ mode: 'spoiler' }), 400);
      expectError(await createEvent({ scenarioIds: [] }), 400);
    });

    it('creates the event (201), in Challenge mode by default, and refuses the same id again (409)', async () => {
      const response = await createEvent();
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({ id: eventId, name: 'KubeCon booth', mode: 'challenge', participantCount: 0 });
      expectError(await createEvent(), 409);
    });

    it('shows the event to everyone, with codenames only in Challenge mode', async () => {
      const response = await harness.app.inject({ method: 'GET', url: `/api/events/${eventId}` });
      expect(response.statusCode).toBe(200);
      // The event's own codename, and nothing more than the systems: difficulty or par time would single it out.
      const { id, codename } = harness.identities.challenge(harness.library.scenarios.get(SCENARIO)!, eventId);
      expect(response.json().scenarios).toEqual([{ id, codename, systemIds: ['demo-app'] }]);
      const spec = harness.library.scenarios.get(SCENARIO)!.spec;
      for (const secret of [
        SCENARIO,
        spec.title,
        spec.codename,
        ...Object.values(harness.identities.challenge(harness.library.scenarios.get(SCENARIO)!)),
      ]) {
        expect(response.body).not.toContain(secret); // nor the open catalog's codename: the two lists cannot be paired up
      }
      expectError(await harness.app.inject({ method: 'GET', url: '/api/events/no-such-event' }), 404);
      expectError(await harness.app.inject({ method: 'GET', url: '/api/events/no-such-event/leaderboard' }), 404);
    });

    it('registers a scanned badge (201), refuses it twice (409), names bad fields (400), 404 for an unknown event', async () => {
      const response = await post(`/api/events/${eventId}/participants`, { badgeId: 'B-100', name: 'Ada Lovelace' });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toEqual({ eventId, badgeId: 'B-100', name: 'Ada Lovelace' });
      expectError(await post(`/api/events/${eventId}/participants`, { badgeId: 'B-100', name: 'Someone Else' }), 409);
      expect(
        expectError(await post(`/api/events/${eventId}/participants`, { badgeId: '', name: 'x' }), 400).details?.map((d) => d.field),
      ).toEqual(['badgeId']);
      expect(expectError(await post(`/api/events/${eventId}/participants`, { badgeId: 'B-1' }), 400).details?.map((d) => d.field)).toEqual([
        'name',
      ]);
      expect(
        expectError(await post(`/api/events/${eventId}/participants`, { badgeId: 'has space', name: 'x' }), 400).details?.map(
          (d) => d.field,
        ),
      ).toEqual(['badgeId']);
      expectError(await post('/api/events/no-such-event/participants', { badgeId: 'B-1', name: 'x' }), 404);
    });

    it('imports a CSV all or nothing: one bad line is named and nothing is written', async () => {
      const importCsv = (csv: string) =>
        harness.app.inject({
          method: 'POST',
          url: `/api/events/${eventId}/participants/import`,
          headers: { ...OPERATOR, 'content-type': 'text/csv' },
          payload: csv,
        });
      const count = async () =>
        (await harness.app.inject({ method: 'GET', url: `/api/events/${eventId}` })).json().participantCount as number;

      const badLine = expectError(await importCsv('badgeId,name\nB-201,Grace Hopper\nB-202\nB-203,Alan Turing\n'), 400);
      expect(badLine.message).toContain('line 3');
      expect(badLine.details).toEqual([{ line: 3, message: 'expected two fields: badgeId,name' }]);
      expect(await count()).toBe(1);

      const taken = expectError(await importCsv('badgeId,name\nB-201,Grace Hopper\nB-100,Ada again\n'), 409);
      expect(taken.message).toContain('line 3');
      expect(await count()).toBe(1);

      const good = await importCsv('badgeId,name\nB-201,"Hopper, Grace"\nB-202,Alan Turing\n');
      expect(good.statusCode, good.body).toBe(200);
      expect(good.json()).toEqual({ imported: 2 });
      expect(await count()).toBe(3);
    });
  });

  describe('joining the event', () => {
    it('refuses an unknown event (404), a closed or future event (409)', async () => {
      expectError(await join({ eventId: 'no-such-event' }), 404);
      const closed = `closed-${suffix}`;
      await post('/api/events', {
        id: closed,
        name: 'Yesterday',
        startsAt: new Date(Date.now() - 3 * hour).toISOString(),
        endsAt: new Date(Date.now() - hour).toISOString(),
        scenarioIds: [SCENARIO],
      });
      expect(expectError(await join({ eventId: closed }), 409).message).toContain('is over');
      const future = `future-${suffix}`;
      await post('/api/events', {
        id: future,
        name: 'Tomorrow',
        startsAt: new Date(Date.now() + hour).toISOString(),
        endsAt: new Date(Date.now() + 3 * hour).toISOString(),
        scenarioIds: [SCENARIO],
      });
      expect(expectError(await join({ eventId: future }), 409).message).toContain('has not started');
    });

    it('refuses another mode, a scenario outside the event and a missing badge (400, naming the fields)', async () => {
      const wrongMode = expectError(await join({ mode: 'learn', scenarioId: SCENARIO }), 400);
      expect(wrongMode.details?.map((d) => d.field)).toEqual(['mode']);
      const other = expectError(await join({ scenarioId: challengeId('checkout-scaled-to-zero') }), 400);
      expect(other.details?.map((d) => d.field)).toEqual(['scenarioId']);
      const noBadge = expectError(await join({}, { name: 'Anonymous' }), 400);
      expect(noBadge.details?.map((d) => d.field)).toEqual(['participant.badgeId']);
    });

    it('refuses a badge nobody scanned (404)', async () => {
      const error = expectError(await join({}, { name: 'Mallory', badgeId: 'B-999' }), 404);
      expect(error.details?.[0]?.field).toBe('participant.badgeId');
    });

    it('links the session to the registered person: the name comes from the badge scan', async () => {
      const response = await join({}, { name: 'Typed Something Else', badgeId: 'B-202' });
      expect(response.statusCode, response.body).toBe(201);
      const [row] = await harness.database.db.select().from(sessions).where(eq(sessions.id, response.json().id));
      expect(row).toMatchObject({ eventId, badgeId: 'B-202', participantName: 'Alan Turing', mode: 'challenge', scenarioId: SCENARIO });
    });
  });

  describe('the leaderboard', () => {
    /** A session as the workflow leaves it, for the ranking's inputs the real run below does not cover. */
    async function storedSession(badgeId: string, name: string, phase: Phase, result?: { score: number; timeToRepairSeconds: number }) {
      await harness.database.db.insert(sessions).values({
        id: randomUUID(),
        workflowId: 'none',
        scenarioId: SCENARIO,
        systemId: 'demo-app',
        mode: 'challenge',
        participantName: name,
        badgeId,
        eventId,
        tokenHash: 'x',
        phase,
        ...(result ? { result } : {}),
        endedAt: new Date(),
      });
    }

    it('ranks completed runs only: abandoned and timed-out sessions do not count', async () => {
      await storedSession('B-201', 'Hopper, Grace', 'completed', { score: 640, timeToRepairSeconds: 400 });
      await storedSession('B-201', 'Hopper, Grace', 'completed', { score: 700, timeToRepairSeconds: 380 });
      await storedSession('B-202', 'Alan Turing', 'abandoned');
      await storedSession('B-202', 'Alan Turing', 'timed_out');
      const response = await harness.app.inject({ method: 'GET', url: `/api/events/${eventId}/leaderboard` });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual([
        expect.objectContaining({
          rank: 1,
          name: 'Hopper, Grace',
          totalScore: 700,
          solved: 1,
          scenarioCount: 1,
          totalTimeSeconds: 380,
          solvedAll: true,
          scores: { [challengeId()]: 700 },
        }),
      ]);
      expect(response.body).not.toContain('B-201');
    });

    // The full session takes a sandbox and ~15 s: once, on the first database, is enough.
    it.runIf(full)('puts a real run on the board once it completes, scored from its recording', async () => {
      const joined = await join({}, { name: 'Ada', badgeId: 'B-100' });
      expect(joined.statusCode, joined.body).toBe(201);
      const { id, participantToken: token } = joined.json() as { id: string; participantToken: string };
      await waitForPhase(harness.app, id, token, ['ready']);
      const kubeconfig = await participantKubeconfig(harness.app, id, token);
      expect((await post(`/api/sessions/${id}/start`, {}, { authorization: `Bearer ${token}` })).statusCode).toBe(200);
      await waitForPhase(harness.app, id, token, ['running']);
      // Like a participant, act once the dashboard shows red: a fix before the first SLA reading of `running`
      // would leave no red sample to score (the SLA would read green from the start).
      await vi.waitFor(async () => expect((await getSession(harness.app, id, token)).sla?.status).toBe('red'), {
        timeout: 15_000,
        interval: 100,
      });
      // A blind change to a workload the failure did not touch, recorded as the kube gateway records it.
      const catalog = await kubectl(kubeconfig, ['scale', 'deployment/catalog', '--replicas=3']);
      expect(catalog.ok, catalog.out).toBe(true);
      await harness.database.db.insert(kubeRequests).values({
        sessionId: id,
        verb: 'patch',
        resource: 'deployments',
        apiGroup: 'apps',
        name: 'catalog',
        subresource: 'scale',
        status: 200,
        latencyMs: 5,
        command: 'kubectl scale',
        change: { body: { spec: { replicas: 3 } } },
      });
      await harness.database.db
        .insert(sessionEvents)
        .values({ sessionId: id, dedupeKey: 'kube:test:1', kind: 'kube', summary: 'kubectl scale deployment/catalog (spec.replicas 2→3)' });
      const fix = await kubectl(kubeconfig, ['scale', 'deployment/storefront', '--replicas=2']);
      expect(fix.ok, fix.out).toBe(true);
      await waitForPhase(harness.app, id, token, ['completed']);

      const result = await harness.app.inject({
        method: 'GET',
        url: `/api/sessions/${id}/result`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(result.statusCode, result.body).toBe(200);
      const body = result.json();
      expect(body.breakdown).toMatchObject({ base: 1000, collateralPenalty: 50, hintPenalty: 0 });
      expect(body.breakdown.total).toBe(body.score);
      expect(body.reasons).toContainEqual({
        term: 'collateral',
        points: 50,
        message: 'changed deployments/catalog, which the failure did not involve',
      });
      expect(body.redSeconds).toBeGreaterThan(0);
      expect(Date.parse(body.greenAt)).toBeGreaterThan(Date.parse(body.startedAt));
      expect(body.rootCause).toBe(harness.library.scenarios.get(SCENARIO)!.spec.rootCause); // ended: Challenge reveals it now
      const kinds = new Set(body.replay.map((step: { kind: string }) => step.kind));
      expect([...kinds]).toEqual(expect.arrayContaining(['phase', 'sla', 'kube']));
      expect(body.replay.find((step: { summary: string }) => step.summary.startsWith('Injecting')).offsetSeconds).toBeCloseTo(0, 0);

      const markdown = await harness.app.inject({
        method: 'GET',
        url: `/api/sessions/${id}/result.md`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(markdown.statusCode).toBe(200);
      expect(markdown.headers['content-type']).toContain('text/markdown');
      for (const heading of ['# Postmortem draft', '## Impact', '## Timeline', '## Root cause', '## What fixed it'])
        expect(markdown.body).toContain(heading);
      expect(markdown.body).toContain('kubectl scale deployment/catalog');
      const query = await harness.app.inject({
        method: 'GET',
        url: `/api/sessions/${id}/result?format=markdown`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(query.body).toBe(markdown.body);

      const board = (await harness.app.inject({ method: 'GET', url: `/api/events/${eventId}/leaderboard` })).json() as {
        name: string;
        totalScore: number;
        rank: number;
      }[];
      expect(board.find((row) => row.name === 'Ada Lovelace')).toMatchObject({ totalScore: body.score });
      expect(board.map((row) => row.name)).toEqual(
        body.score >= 700 ? ['Ada Lovelace', 'Hopper, Grace'] : ['Hopper, Grace', 'Ada Lovelace'],
      );
    });
  });
});
