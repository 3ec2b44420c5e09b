// The SLA as users feel it: the load generator's windows and journey runs (against a real local HTTP server),
// the journey objectives' verdicts (never green without fresh, sufficient results), and how auto chooses.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { V1Node } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podsRunForReal, parseNodeSelector } from '../../activities/sla/auto.ts';
import { judgeJourney, readingFromResults, type JourneyResults } from '../../activities/sla/journeys.ts';
import type { Objective } from '../../scenarios/lib/schema.ts';
import { runJourney } from '../../services/load-generator/journeys.ts';
import { SlidingWindow } from '../../services/load-generator/window.ts';

const NOW = Date.parse('2026-12-03T07:00:00Z');
const objective: Objective = {
  name: 'shoppers-check-out',
  description: 'Shoppers check out.',
  journey: { name: 'checkout', minSuccessRate: 0.95, maxP95Ms: 500, windowSeconds: 10 },
  kubeState: { serviceReachable: { name: 'checkout', minPods: 1 } },
};
const sli = objective.journey!;

function results(journey: Partial<JourneyResults['journeys'][string]>, generatedAt = NOW - 1000): JourneyResults {
  return {
    generatedAt: new Date(generatedAt).toISOString(),
    windowSeconds: 10,
    journeys: {
      checkout: {
        requests: 20,
        successes: 20,
        successRate: 1,
        p95Ms: 80,
        lastRequestAt: new Date(generatedAt - 200).toISOString(),
        windowSeconds: 10,
        ratePerSecond: 2,
        ...journey,
      },
    },
  };
}

describe('journey objectives', () => {
  it('are green when enough fresh runs succeed fast enough, with the SLIs users feel', () => {
    const result = judgeJourney(objective, sli, results({}), NOW);
    expect(result).toMatchObject({ status: 'green', value: 1, target: 0.95, slis: { successRate: 1, p95Ms: 80, requests: 20 } });
  });

  it('are red when too many runs fail or the p95 is too slow', () => {
    expect(judgeJourney(objective, sli, results({ successes: 18, successRate: 0.9 }), NOW).status).toBe('red');
    expect(judgeJourney(objective, sli, results({ p95Ms: 2000 }), NOW).status).toBe('red');
    // Every run failing is red (the system is down), not unknown: the load generator still reports.
    expect(judgeJourney(objective, sli, results({ successes: 0, successRate: 0, p95Ms: 2000 }), NOW).status).toBe('red');
  });

  it('are unknown, never green, without an answer, with stale results or too few runs', () => {
    expect(judgeJourney(objective, sli, undefined, NOW)).toMatchObject({
      status: 'unknown',
      description: expect.stringMatching(/does not answer/),
    });
    // Results generated longer ago than the window (a proxy cache, a frozen process).
    expect(judgeJourney(objective, sli, results({}, NOW - 11_000), NOW).status).toBe('unknown');
    // A generator that answers but has not run the journey within the window (its runs hang or it was starved).
    expect(judgeJourney(objective, sli, results({ lastRequestAt: new Date(NOW - 15_000).toISOString() }), NOW).status).toBe('unknown');
    expect(
      judgeJourney(objective, sli, results({ lastRequestAt: null, requests: 0, successes: 0, successRate: null, p95Ms: null }), NOW).status,
    ).toBe('unknown');
    // A restarted generator with a few lucky runs does not turn green at once: half the expected runs are needed.
    expect(judgeJourney(objective, sli, results({ requests: 4, successes: 4 }), NOW).status).toBe('unknown');
    expect(judgeJourney(objective, sli, { ...results({}), journeys: {} }, NOW).status).toBe('unknown');
  });

  it('make the whole reading unknown when the load generator is gone, whatever the other objectives say', () => {
    const reading = readingFromResults([objective], new Map([[10, undefined]]), NOW);
    expect(reading.status).toBe('unknown');
    const green = readingFromResults([objective], new Map([[10, results({})]]), NOW);
    expect(green.status).toBe('green');
    // The reading is as old as the results: the state machine ignores green measured before the last breach.
    expect(green.sampledAt).toBe(NOW - 1000);
  });
});

describe('auto provider choice', () => {
  const node = (name: string, labels: Record<string, string>, kwok: boolean): V1Node => ({
    metadata: { name, labels, annotations: kwok ? { 'kwok.x-k8s.io/node': 'fake' } : {} },
  });
  const kwok = [node('kwok-node-0', {}, true), node('kwok-node-1', {}, true)];
  const real = node('failurelib-real-node', { 'failurelib.dev/node': 'real' }, false);

  it('uses journeys only where the namespace sends its pods to a real node', () => {
    expect(parseNodeSelector('failurelib.dev/node=real, zone=a')).toEqual({ 'failurelib.dev/node': 'real', zone: 'a' });
    expect(podsRunForReal(kwok, undefined)).toBe(false);
    expect(podsRunForReal(kwok, 'failurelib.dev/node=real')).toBe(false);
    expect(podsRunForReal([...kwok, real], undefined)).toBe(false);
    expect(podsRunForReal([...kwok, real], 'failurelib.dev/node=real')).toBe(true);
    expect(podsRunForReal([...kwok, real], 'failurelib.dev/node=other')).toBe(false);
    // A real cluster (kind, vcluster, a shared cluster): every node is real.
    expect(podsRunForReal([node('kind-control-plane', {}, false)], undefined)).toBe(true);
  });
});

describe('load generator', () => {
  let server: Server;
  let port: number;
  const seen: { method: string; url: string; traceparent: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method!, url: request.url!, traceparent: String(request.headers.traceparent), body });
        if (request.url === '/slow') return void setTimeout(() => response.end('{}'), 500);
        response.writeHead(request.url?.startsWith('/broken') ? 500 : request.method === 'POST' ? 201 : 200);
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('runs a journey step by step as one user, with one trace id across its requests', async () => {
    seen.length = 0;
    const run = await runJourney(
      {
        name: 'checkout',
        ratePerSecond: 1,
        steps: [
          { service: '127.0.0.1', port, method: 'POST', path: '/api/cart/{user}/items', body: { sku: 'sku-1' } },
          { service: '127.0.0.1', port, method: 'POST', path: '/api/checkout', body: { user: '{user}' }, expectStatus: 201 },
        ],
      },
      1000,
    );
    expect(run.ok).toBe(true);
    expect(seen).toHaveLength(2);
    const user = /^\/api\/cart\/(u-[0-9a-f]{8})\/items$/.exec(seen[0]!.url)?.[1];
    expect(user).toBeDefined();
    expect(JSON.parse(seen[1]!.body)).toEqual({ user });
    expect(seen.map((s) => s.traceparent.split('-')[1])).toEqual([run.traceId, run.traceId]);
  });

  it('fails a run at the first unexpected status or timeout, naming the step', async () => {
    seen.length = 0;
    const broken = await runJourney(
      {
        name: 'browse',
        ratePerSecond: 1,
        steps: [
          { service: '127.0.0.1', port, method: 'GET', path: '/broken' },
          { service: '127.0.0.1', port, method: 'GET', path: '/never' },
        ],
      },
      1000,
    );
    expect(broken).toMatchObject({ ok: false, error: `GET http://127.0.0.1:${port}/broken: 500` });
    expect(seen.map((s) => s.url)).toEqual(['/broken']);
    const slow = await runJourney(
      { name: 'slow', ratePerSecond: 1, steps: [{ service: '127.0.0.1', port, method: 'GET', path: '/slow' }] },
      100,
    );
    expect(slow).toMatchObject({ ok: false, error: expect.stringMatching(/timed out after 100 ms/) });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await runJourney(
      { name: 'gone', ratePerSecond: 1, steps: [{ service: '127.0.0.1', port: closedPort, method: 'GET', path: '/' }] },
      1000,
    );
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('keeps a sliding window: old runs age out, p95 by nearest rank', () => {
    const window = new SlidingWindow(60);
    for (let i = 0; i < 20; i += 1) window.record({ at: NOW - 20_000 + i * 1000, ok: i !== 3, ms: i === 19 ? 900 : 10 + i });
    expect(window.summary(30, NOW)).toMatchObject({ requests: 20, successes: 19, successRate: 0.95, p95Ms: 28 });
    // The failure (at -17 s) is outside a 10 s window.
    expect(window.summary(10, NOW)).toMatchObject({
      requests: 10,
      successes: 10,
      successRate: 1,
      lastRequestAt: new Date(NOW - 1000).toISOString(),
    });
    expect(window.summary(10, NOW + 120_000)).toMatchObject({ requests: 0, successRate: null, p95Ms: null, lastRequestAt: null });
  });
});
