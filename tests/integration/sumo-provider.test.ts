// The sumo provider and per-session monitoring against a local fake of the documented Sumo Logic API:
// one search job per poll for every session, every job/user/role/dashboard deleted, and no crash on any
// documented error (429, 301, pendingErrors, expired jobs, errors with a 200, both error shapes).
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createMonitoringActivities, SUMO_CONFIG_ERROR } from '../../activities/monitoring-activities.ts';
import { SumoClient } from '../../activities/sla/sumo/client.ts';
import { SumoApiError, SumoDeploymentError, SumoJobExpiredError } from '../../activities/sla/sumo/errors.ts';
import { SlaEvaluator } from '../../activities/sla/evaluator.ts';
import { sumoProvider } from '../../activities/sla/sumo/provider.ts';
import { watch } from '../../activities/sla/watch.ts';
import { runSearch } from '../../activities/sla/sumo/search.ts';
import { Throttle } from '../../activities/sla/sumo/throttle.ts';
import type { SlaTarget } from '../../activities/sla/types.ts';
import { loadConfig } from '../../config/config.ts';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { sessions } from '../../db/schema.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';
import type { Objective } from '../../scenarios/lib/schema.ts';
import { startFakeSumo, type FakeSumo } from '../support/fake-sumo.ts';
import { insertSessionRow } from '../support/session-row.ts';

const errorRate: Objective = {
  name: 'storefront-errors',
  description: 'Few storefront requests fail',
  kubeState: { serviceHasReadyEndpoints: { name: 'storefront' } },
  sumo: {
    search:
      '_sourceCategory=kubernetes/storefront {{namespaces}} | json "status" | if(status >= 500, 1, 0) as e | avg(e) as value by namespace',
    max: 0.05,
  },
};
const latency: Objective = {
  name: 'storefront-latency',
  description: 'Storefront answers fast',
  kubeState: { serviceHasReadyEndpoints: { name: 'storefront' } },
  sumo: { metrics: 'metric=http_p95_ms service=storefront {{namespaces}} | avg by namespace', max: 300 },
};
const target = (n: number, objectives: Objective[] = [errorRate]): SlaTarget => ({
  sessionId: `session-${n}`,
  namespace: `fl-${n}`,
  objectives,
});

let fake: FakeSumo;
/** A client with its own throttle, so tests do not share one process-wide bucket. */
const clientOf = (apiUrl = fake.apiUrl, maxAttempts?: number) =>
  new SumoClient({ apiUrl, accessId: fake.accessId, accessKey: fake.accessKey }, { throttle: new Throttle(4, 10), maxAttempts });
const settings = { ingestLagSeconds: 30, windowSeconds: 120, searchPollMs: 50 };

describe('sumo provider', () => {
  beforeEach(async () => {
    fake = await startFakeSumo();
  });
  afterEach(async () => {
    expect(fake.live().searchJobs).toBe(0); // every search job deleted, whatever happened
    await fake.close();
  });

  it('evaluates many sessions with one search job, grouped by namespace, values read as numbers', async () => {
    fake.values.set('fl-1', 0).set('fl-2', 0.5).set('fl-3', 0.01);
    const provider = sumoProvider(clientOf(), settings);
    const before = Date.now();
    const readings = await provider.evaluate([target(1), target(2), target(3), target(4)]);
    expect(fake.stats.searchJobsCreated).toBe(1);
    expect(readings.get('session-1')).toMatchObject({ status: 'green', objectives: [{ value: 0, target: 0.05 }] });
    expect(readings.get('session-2')).toMatchObject({ status: 'red', objectives: [{ value: 0.5 }] });
    expect(readings.get('session-3')?.status).toBe('green');
    expect(readings.get('session-4')?.status).toBe('unknown'); // no data is never green
    // Samples are stamped with the end of the lagged window, so the state machine can judge freshness.
    expect(readings.get('session-1')!.sampledAt).toBeLessThanOrEqual(before - 30_000 + 1000);
  });

  it('evaluates metric SLIs of all sessions in one metrics request; errors with a 200 read unknown', async () => {
    fake.values.set('fl-1', 120).set('fl-2', 900);
    const provider = sumoProvider(clientOf(), settings);
    const readings = await provider.evaluate([target(1, [latency]), target(2, [latency])]);
    expect(fake.stats.requestsByPath.get('POST v1/metricsQueries')).toBe(1);
    expect(readings.get('session-1')?.status).toBe('green');
    expect(readings.get('session-2')?.status).toBe('red');
    fake.metricsErrors = { errors: [{ code: 'metrics:incomplete', message: 'Results are incomplete' }] };
    const errors: unknown[] = [];
    const partial = await sumoProvider(clientOf(), { ...settings, onError: (e) => errors.push(e) }).evaluate([target(1, [latency])]);
    expect(partial.get('session-1')?.status).toBe('unknown');
    expect(errors[0]).toBeInstanceOf(SumoApiError);
  });

  it('a query error reported only in pendingErrors reads unknown, and the job is still deleted', async () => {
    fake.values.set('fl-1', 0);
    const errors: unknown[] = [];
    const bad = { ...errorRate, sumo: { search: 'PARSE_ERROR {{namespaces}} | count as value by namespace', max: 1 } };
    const readings = await sumoProvider(clientOf(), { ...settings, onError: (e) => errors.push(e) }).evaluate([target(1, [bad])]);
    expect(readings.get('session-1')?.status).toBe('unknown');
    expect((errors[0] as SumoApiError).message).toContain('Parse error');
  });

  it('follow-up search calls carry the cookies of the create call', async () => {
    fake.values.set('fl-1', 0);
    const records = await runSearch(
      clientOf(),
      { query: 'namespace="fl-1" | count as value by namespace', from: Date.now() - 60_000, to: Date.now() },
      { pollMs: 20 },
    );
    expect(records).toEqual([{ namespace: 'fl-1', value: 0 }]);
    expect(fake.stats.requestsByPath.get('GET v1/search/jobs/:id')).toBeGreaterThanOrEqual(2);
  });

  it('runs concurrent search jobs, each with its own cookies', async () => {
    fake.values.set('fl-1', 0);
    const other = {
      ...errorRate,
      name: 'storefront-5xx',
      sumo: { search: '_sourceCategory=kubernetes/ingress {{namespaces}} | count as value by namespace', max: 10 },
    };
    const readings = await sumoProvider(clientOf(), settings).evaluate([target(1, [errorRate, other])]);
    expect(fake.stats.searchJobsCreated).toBe(2);
    expect(readings.get('session-1')).toMatchObject({ status: 'green', objectives: [{ status: 'green' }, { status: 'green' }] });
  });

  it('a job that expired between polls is an error, not a hang', async () => {
    await fake.close();
    fake = await startFakeSumo({ jobExpiryMs: 100, gatherPolls: 100 });
    await expect(runSearch(clientOf(), { query: 'x {{namespaces}}', from: 0, to: 1 }, { pollMs: 300 })).rejects.toBeInstanceOf(
      SumoJobExpiredError,
    );
  });

  it('backs off on 429 and succeeds; keeps under 4 starts per second and 10 in flight', async () => {
    fake.throttleNext(3);
    const client = clientOf();
    const calls = Array.from({ length: 16 }, () => client.request('POST', 'v1/metricsQueries', { queries: [] }));
    await Promise.all(calls);
    expect(client.stats.throttled429).toBeGreaterThanOrEqual(3);
    expect(fake.stats.maxStartsPerSecond).toBeLessThanOrEqual(4);
    expect(fake.stats.maxInFlight).toBeLessThanOrEqual(10);
  });

  it('gives up after the last attempt with a clear rate-limit error', async () => {
    fake.throttleNext(5);
    await expect(clientOf(fake.apiUrl, 2).request('POST', 'v1/metricsQueries', { queries: [] })).rejects.toMatchObject({
      status: 429,
      code: 'rate.limit.exceeded',
    });
  });

  it('turns a 301 for the wrong deployment into a config error naming the right one', async () => {
    const errors: unknown[] = [];
    const readings = await sumoProvider(clientOf(fake.wrongApiUrl), { ...settings, onError: (e) => errors.push(e) }).evaluate([target(1)]);
    expect(readings.get('session-1')?.status).toBe('unknown');
    expect(errors[0]).toBeInstanceOf(SumoDeploymentError);
    expect((errors[0] as Error).message).toContain(fake.apiUrl.replace(/\/api\/$/, ''));
  });

  it('reads both error shapes from the API', async () => {
    const client = clientOf();
    await expect(client.request('POST', 'v1/search/jobs', { query: '', from: 0, to: 1 })).rejects.toMatchObject({
      status: 400,
      code: 'searchjob.no.query',
    });
    await expect(client.request('GET', 'v2/dashboards/nope-nope-nope')).rejects.toMatchObject({ status: 404, code: 'dashboard:not_found' });
    const wrongKey = new SumoClient(
      { apiUrl: fake.apiUrl, accessId: fake.accessId, accessKey: 'wrong' },
      { throttle: new Throttle(4, 10) },
    );
    await expect(wrongKey.request('GET', 'v2/dashboards/x')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });
});

describe('per-session monitoring in Sumo Logic', () => {
  const library = loadLibrary(loadConfig({}).scenariosDir);
  let database: DatabaseHandle;
  const created: string[] = [];
  const newSession = async () => {
    const id = await insertSessionRow(database.db, 'Sumo Sam');
    created.push(id);
    return id;
  };
  const monitoring = (participant = true) =>
    createMonitoringActivities({
      db: database.db,
      library,
      client: clientOf(),
      sumo: {
        ...loadConfig({}).sla.sumo,
        apiUrl: fake.apiUrl,
        httpSourceUrl: fake.httpSourceUrl,
        uiUrl: fake.uiUrl,
        participantEmailTemplate: participant ? 'fl+{session}@example.com' : undefined,
      },
    });

  beforeAll(() => {
    database = openDatabase(inject('databases')[0]!.url);
  });
  beforeEach(async () => {
    fake = await startFakeSumo();
  });
  afterEach(async () => {
    await fake.close();
  });
  afterAll(async () => {
    for (const id of created) await database.db.delete(sessions).where(eq(sessions.id, id));
    await database.close();
  });

  it('Learn mode: a dashboard with the scenario, state lines and SLIs, shared with the participant, all deleted at unwire', async () => {
    const sessionId = await newSession();
    const activities = monitoring();
    const input = {
      sessionId,
      namespace: 'fl-learn',
      systemId: 'demo-app',
      scenarioId: 'storefront-scaled-to-zero',
      mode: 'learn' as const,
    };
    const { dashboardUrl } = await activities.wireMonitoring(input);
    const again = await activities.wireMonitoring(input); // a retried activity creates nothing new
    expect(again.dashboardUrl).toBe(dashboardUrl);
    expect(fake.live()).toEqual({ searchJobs: 0, dashboards: 1, users: 1, roles: 1, permissions: 1 });
    const dashboard = fake.created.dashboards[0]!.body as { panels: { panelType: string; text?: string; visualSettings?: string }[] };
    expect(dashboardUrl).toBe(`${fake.uiUrl}/dashboard/${fake.created.dashboards[0]!.id}`);
    const text = dashboard.panels.find((p) => p.panelType === 'TextPanel')!.text!;
    expect(text).toContain('The storefront scaled to zero by an automation script');
    expect(text).toContain('replicas to 0');
    expect(dashboard.panels.filter((p) => p.visualSettings?.includes('timeSeries'))).toHaveLength(
      library.systems.get('demo-app')!.system.spec.objectives.length,
    ); // one per objective
    expect(fake.created.users[0]!.body).toMatchObject({
      email: `fl+${sessionId.slice(0, 12)}@example.com`,
      roleIds: [fake.created.roles[0]!.id],
    });

    await activities.unwireMonitoring({ sessionId });
    await activities.unwireMonitoring({ sessionId }); // idempotent
    expect(fake.live()).toEqual({ searchJobs: 0, dashboards: 0, users: 0, roles: 0, permissions: 0 });
  });

  it('Challenge mode: the dashboard gives neither the title nor the root cause away', async () => {
    const sessionId = await newSession();
    const activities = monitoring(false);
    await activities.wireMonitoring({
      sessionId,
      namespace: 'fl-challenge',
      systemId: 'demo-app',
      scenarioId: 'storefront-scaled-to-zero',
      mode: 'challenge',
    });
    const body = JSON.stringify(fake.created.dashboards[0]!.body);
    expect(body).not.toContain('scaled to zero');
    expect(body).not.toContain('automation');
    expect(body).not.toContain('Quiet Shopfront'); // the library's own nickname is public: never shown in Challenge mode
    expect(body).toContain('Your challenge');
    expect(fake.live().users).toBe(0);
    await activities.unwireMonitoring({ sessionId });
    expect(fake.live()).toEqual({ searchJobs: 0, dashboards: 0, users: 0, roles: 0, permissions: 0 });
  });

  it('pushes state lines as JSON, resending after a 429', async () => {
    const sessionId = await newSession();
    fake.throttleNext(1, true);
    await monitoring().pushStatusLine({
      sessionId,
      phase: 'running',
      event: 'SLA red',
      elapsedSeconds: 12,
      violated: ['storefront-available'],
    });
    expect(fake.lines).toHaveLength(1);
    expect(fake.lines[0]).toMatchObject({ category: 'failurelib/sessions', name: sessionId });
    expect(JSON.parse(fake.lines[0]!.line)).toMatchObject({
      sessionId,
      phase: 'running',
      event: 'SLA red',
      elapsedSeconds: 12,
      violated: ['storefront-available'],
    });
  });
});

describe('monitoring with a misconfigured Sumo Logic', () => {
  beforeEach(async () => {
    fake = await startFakeSumo();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('fails wiring at once (not retried forever) when the API base is the wrong deployment', async () => {
    const library = loadLibrary(loadConfig({}).scenariosDir);
    const database = openDatabase(inject('databases')[0]!.url);
    try {
      const sessionId = await insertSessionRow(database.db, 'Wrong Deployment Walt');
      const activities = createMonitoringActivities({
        db: database.db,
        library,
        client: clientOf(fake.wrongApiUrl),
        sumo: { ...loadConfig({}).sla.sumo, apiUrl: fake.wrongApiUrl },
      });
      const failure = await activities
        .wireMonitoring({ sessionId, namespace: 'fl-x', systemId: 'demo-app', scenarioId: 'storefront-scaled-to-zero', mode: 'learn' })
        .catch((e: unknown) => e);
      expect(failure).toMatchObject({ type: SUMO_CONFIG_ERROR, nonRetryable: true });
      expect((failure as Error).message).toContain('set SUMO_API_URL');
      expect(fake.live().dashboards).toBe(0);
      await database.db.delete(sessions).where(eq(sessions.id, sessionId));
    } finally {
      await database.close();
    }
  });
});

describe('a session watched through Sumo Logic', () => {
  beforeEach(async () => {
    fake = await startFakeSumo();
  });
  afterEach(async () => {
    expect(fake.live().searchJobs).toBe(0);
    await fake.close();
  });

  it('turns red at once, and green only once data newer than the breach (past the ingest lag) has held', async () => {
    const database = openDatabase(inject('databases')[0]!.url);
    const evaluator = new SlaEvaluator(sumoProvider(clientOf(), { ingestLagSeconds: 2, windowSeconds: 60, searchPollMs: 50 }), 300);
    const sessionId = await insertSessionRow(database.db, 'Lagging Lou');
    const namespace = 'fl-lag';
    const stop = new AbortController();
    let repaired: Promise<unknown> | undefined;
    try {
      fake.values.set(namespace, 0.5);
      repaired = watch(
        { sessionId, namespace, until: 'repaired', holdSeconds: 1 },
        {
          db: database.db,
          evaluator,
          objectives: [errorRate],
          oracleHolds: async () => true,
          resumed: undefined,
          heartbeat: () => {},
          signal: stop.signal,
        },
      );
      const slaStatus = async () => (await database.db.select().from(sessions).where(eq(sessions.id, sessionId)))[0]!.slaStatus;
      while ((await slaStatus()) !== 'red') await new Promise((resolve) => setTimeout(resolve, 100));
      const fixedAt = Date.now();
      fake.values.set(namespace, 0);
      await repaired;
      expect(Date.now() - fixedAt).toBeGreaterThanOrEqual(2000 + 1000); // ingest lag, then the hold
    } finally {
      stop.abort();
      await repaired?.catch(() => {}); // a failed test still lets the watch finish its writes first
      evaluator.close();
      await database.db.delete(sessions).where(eq(sessions.id, sessionId));
      await database.close();
    }
  });
});
