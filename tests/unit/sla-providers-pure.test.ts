// The pure parts of the SLA providers: query templating, SLI judgement, the compact SLA series, the schema.
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { compositeProvider } from '../../activities/sla/composite.ts';
import { breachedSlis } from '../../activities/sla/kube-state.ts';
import { percentile } from '../../activities/sla/percentile.ts';
import { judgeProbe, probeUrl } from '../../activities/sla/probe.ts';
import { renderQuery } from '../../activities/sla/prometheus.ts';
import { sampleKey, seriesKey } from '../../activities/sla/samples.ts';
import { dashboardBody } from '../../activities/sla/sumo/dashboard.ts';
import { namespaceFilter, renderSumoQuery } from '../../activities/sla/sumo/provider.ts';
import { sliMetricsRequest } from '../../activities/sla/sumo/sli-series.ts';
import type { SlaProvider } from '../../activities/sla/types.ts';
import { ConfigError, loadConfig } from '../../config/config.ts';
import { ObjectiveSchema, type Objective } from '../../scenarios/lib/schema.ts';
import { decodeMetrics } from '../support/otlp-decode.ts';

const base = { name: 'web', description: 'Web answers', kubeState: { serviceHasReadyEndpoints: { name: 'web' } } };

describe('objective schema', () => {
  it('keeps objectives with only a kubeState predicate valid, and accepts per-provider SLIs', () => {
    expect(Value.Check(ObjectiveSchema, base)).toBe(true);
    expect(
      Value.Check(ObjectiveSchema, {
        ...base,
        weight: 2,
        prometheus: { query: 'up{namespace="{{namespace}}"}', min: 1 },
        sumo: { metrics: 'metric=x {{namespaces}}', max: 3 },
      }),
    ).toBe(true);
    expect(Value.Check(ObjectiveSchema, { ...base, sumo: { search: 'x', metrics: 'y' } })).toBe(false);
    expect(Value.Check(ObjectiveSchema, { ...base, probe: { service: 'web', minSuccessRate: 2 } })).toBe(false);
  });
});

describe('query templating', () => {
  it('puts the namespace into PromQL and Sumo queries, escaping quotes', () => {
    expect(renderQuery('up{namespace="{{namespace}}"}', 'fl-1')).toBe('up{namespace="fl-1"}');
    expect(renderQuery('x{n="{{namespace}}"}', 'a"b')).toBe('x{n="a\\"b"}');
    expect(namespaceFilter(['fl-1', 'fl-2', 'fl-1'])).toBe('(namespace="fl-1" OR namespace="fl-2")');
    // Many sessions: one wildcard over the common prefix keeps the query short.
    expect(namespaceFilter(Array.from({ length: 200 }, (_, n) => `fl-${n.toString(16).padStart(20, '0')}`))).toBe(
      `(namespace="fl-${'0'.repeat(18)}*")`,
    );
    expect(renderSumoQuery('_sourceCategory=k {{namespaces}} | count', ['fl-1'])).toBe('_sourceCategory=k (namespace="fl-1") | count');
    expect(probeUrl('http://{service}.{namespace}.svc{path}', 'fl-1', { service: 'web', path: '/health', minSuccessRate: 0.9 })).toBe(
      'http://web.fl-1.svc/health',
    );
  });
});

describe('SLI judgement', () => {
  const sli = { service: 'web', path: '/', minSuccessRate: 0.9, maxP95Ms: 100 };
  it('probe: red on failures or slow p95, green otherwise', () => {
    const fast = Array.from({ length: 20 }, () => ({ ok: true, ms: 10 }));
    expect(judgeProbe(base, sli, fast).status).toBe('green');
    expect(
      judgeProbe(
        base,
        sli,
        fast.map((o, i) => ({ ...o, ok: i % 4 !== 0 })),
      ).status,
    ).toBe('red');
    expect(
      judgeProbe(
        base,
        sli,
        fast.map((o, i) => ({ ...o, ms: i < 2 ? 500 : 10 })),
      ).status,
    ).toBe('red');
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
  });

  it('kube-state: names every SLI over its limit', () => {
    expect(
      breachedSlis(
        { availableRatio: 0.5, restarts: 7, oomKilled: 1, pendingPods: 0 },
        { deployment: 'web', minAvailableRatio: 1, maxRestarts: 5, maxOomKilled: 0, maxPendingPods: 0 },
      ),
    ).toEqual(['availableRatio', 'restarts', 'oomKilled']);
    expect(
      breachedSlis({ availableRatio: 1, restarts: 0, oomKilled: 0, pendingPods: 0 }, { deployment: 'web', minAvailableRatio: 1 }),
    ).toEqual([]);
  });
});

describe('SLA series key', () => {
  it('ignores jitter below 3 significant digits, but not a status change', () => {
    const reading = (value: number, status: 'green' | 'red' = 'green') => ({ status, objectives: [{ name: 'web', status, value }] });
    expect(sampleKey(reading(123.4))).toBe(sampleKey(reading(123.1)));
    expect(sampleKey(reading(123))).not.toBe(sampleKey(reading(150)));
    expect(sampleKey(reading(1))).not.toBe(sampleKey(reading(1, 'red')));
  });

  it('writes a row when an SLI a chart draws changes (latency), not for a few percent of jitter', () => {
    const reading = (p95Ms: number, successRate = 1) => ({
      status: 'green' as const,
      objectives: [{ name: 'checkout', status: 'green' as const, value: successRate, slis: { successRate, p95Ms, requests: 20 } }],
    });
    expect(seriesKey(reading(121))).toBe(seriesKey(reading(124)));
    expect(seriesKey(reading(120))).not.toBe(seriesKey(reading(180)));
    expect(seriesKey(reading(120, 1))).not.toBe(seriesKey(reading(120, 0.9)));
    // The live SLA panel's key stays on status and value: a latency change alone does not touch the session row.
    expect(sampleKey(reading(120))).toBe(sampleKey(reading(180)));
  });
});

describe('composite provider', () => {
  it('routes objectives with the provider SLI to it and the rest to kube-state, one batch each, keeping order', async () => {
    const calls: string[] = [];
    const fake = (name: string, status: 'green' | 'red'): SlaProvider => ({
      name,
      async evaluate(targets) {
        calls.push(`${name}:${targets.length}`);
        return new Map(
          targets.map((t) => [t.sessionId, { status, objectives: t.objectives.map((o) => ({ name: o.name, status })), sampledAt: 1000 }]),
        );
      },
    });
    const withSli: Objective = { ...base, name: 'a', prometheus: { query: 'q', min: 1 } };
    const without: Objective = { ...base, name: 'b' };
    const provider = compositeProvider(fake('prometheus', 'green'), (o) => o.prometheus !== undefined, fake('kube-state', 'red'));
    const readings = await provider.evaluate([
      { sessionId: 's1', namespace: 'n1', objectives: [without, withSli] },
      { sessionId: 's2', namespace: 'n2', objectives: [withSli] },
    ]);
    expect(calls.sort()).toEqual(['kube-state:1', 'prometheus:2']);
    expect(readings.get('s1')).toMatchObject({
      status: 'red',
      objectives: [
        { name: 'b', status: 'red' },
        { name: 'a', status: 'green' },
      ],
    });
    expect(readings.get('s2')?.status).toBe('green');
  });
});

describe('dashboard', () => {
  const scenario = { title: 'Secret title', rootCause: 'The secret root cause', story: 'Story' };
  it('shows the title and root cause only in Learn mode', () => {
    const learn = JSON.stringify(dashboardBody({ sessionId: 's', namespace: 'n', mode: 'learn', scenario, objectives: [base] }));
    const challenge = JSON.stringify(dashboardBody({ sessionId: 's', namespace: 'n', mode: 'challenge', scenario, objectives: [base] }));
    expect(learn).toContain('The secret root cause');
    expect(challenge).not.toContain('secret');
    expect(challenge).toContain('Your challenge');
  });

  it("with the telemetry collector, charts each journey's real error rate and p95 and lists the failing services' lines", () => {
    const journeyObjective = { ...base, name: 'checkout', journey: { name: 'checkout', minSuccessRate: 0.99, windowSeconds: 30 } };
    const input = { sessionId: 's', namespace: 'fl-abc', mode: 'learn' as const, scenario, objectives: [journeyObjective] };
    const queries = (body: ReturnType<typeof dashboardBody>) =>
      body.panels.flatMap((panel) => ((panel.queries ?? []) as { queryString: string; queryType: string }[]).map((q) => q));
    const withTelemetry = queries(dashboardBody({ ...input, telemetry: true }));
    expect(withTelemetry).toContainEqual(
      expect.objectContaining({
        queryType: 'Metrics',
        queryString: 'metric=failurelib_sli_error_rate namespace="fl-abc" | max by objective',
      }),
    );
    expect(withTelemetry).toContainEqual(
      expect.objectContaining({ queryString: expect.stringContaining('metric=failurelib_sli_p95_ms namespace="fl-abc"') }),
    );
    const lines = withTelemetry.find((q) => q.queryString.includes('_raw'))!;
    expect(lines.queryString).toMatch(
      /^_sourceCategory="failurelib\/containers" namespace="fl-abc" !container="load-generator" \(error OR /,
    );
    // The objective's own chart reads the success rate the engine sent, not the state lines.
    expect(withTelemetry).toContainEqual(
      expect.objectContaining({ queryString: 'metric=failurelib_sli_success_rate namespace="fl-abc" objective="checkout" | max' }),
    );
    // Without it there is nothing of the sandbox in Sumo but the state lines.
    const without = queries(dashboardBody(input));
    expect(without.some((q) => q.queryString.includes('failurelib_sli') || q.queryString.includes('failurelib/containers'))).toBe(false);
  });
});

describe('SLI series for the telemetry collector', () => {
  it('sends success rate, error rate, p95 and the verdict per objective, tagged with the session', () => {
    const reading = {
      status: 'red' as const,
      objectives: [
        { name: 'checkout', status: 'red' as const, value: 0.25, slis: { successRate: 0.25, p95Ms: 412.5, requests: 8 } },
        { name: 'browse', status: 'unknown' as const },
      ],
    };
    const sessionId = '0123abcd-4567-89ef-0123-456789abcdef';
    const at = Date.parse('2026-12-03T10:00:00Z');
    const points = decodeMetrics(
      Buffer.from(JSON.stringify(sliMetricsRequest(sessionId, 'fl-0123abcd456789ef0123', reading, at))),
      'application/json',
    );
    expect(points.map((p) => [p.name, p.attributes.objective, p.value])).toEqual([
      ['failurelib_sli_success_rate', 'checkout', 0.25],
      ['failurelib_sli_error_rate', 'checkout', 0.75],
      ['failurelib_sli_p95_ms', 'checkout', 412.5],
      ['failurelib_sli_requests', 'checkout', 8],
      ['failurelib_sla_objective_ok', 'checkout', 0],
    ]);
    expect(points[0]!.resource).toMatchObject({
      namespace: 'fl-0123abcd456789ef0123',
      session: '0123abcd456789ef0123',
      session_id: sessionId,
    });
    expect(points[0]!.timeUnixNano).toBe(`${at}000000`);
  });
});

describe('SLA configuration', () => {
  it('defaults to auto and requires the chosen provider keys', () => {
    expect(loadConfig({}).sla.provider).toBe('auto');
    expect(() => loadConfig({ SLA_PROVIDER: 'prometheus' })).toThrow(ConfigError);
    expect(() => loadConfig({ SLA_PROVIDER: 'sumo', SUMO_ACCESS_ID: 'id' })).toThrow(/SUMO_ACCESS_KEY is required/);
    expect(() => loadConfig({ SLA_PROVIDER: 'datadog' })).toThrow(/SLA_PROVIDER must be one of/);
    const sumo = loadConfig({
      SLA_PROVIDER: 'sumo',
      SUMO_ACCESS_ID: 'id',
      SUMO_ACCESS_KEY: 'key',
      SUMO_API_URL: 'https://api.eu.sumologic.com/api/',
    }).sla;
    expect(sumo.sumo).toMatchObject({ accessId: 'id', apiUrl: 'https://api.eu.sumologic.com/api/', ingestLagSeconds: 60 });
  });
});
