// The probe SLA provider: synthetic HTTP checks of each session's entry service with fresh requests,
// giving a success rate and latency percentiles over the burst sent for this evaluation.
import type { Objective } from '../../scenarios/lib/schema.ts';
import { percentile } from './percentile.ts';
import { readingOf, unknownReading, type ObjectiveResult, type SlaProvider, type SlaTarget } from './types.ts';

export interface ProbeSettings {
  /** URL template: `{service}`, `{namespace}` and `{path}` are replaced. */
  urlTemplate: string;
  requests: number;
  concurrency: number;
  timeoutMs: number;
}

type ProbeSli = NonNullable<Objective['probe']>;

export function probeUrl(template: string, namespace: string, sli: ProbeSli): string {
  return template.replaceAll('{service}', sli.service).replaceAll('{namespace}', namespace).replaceAll('{path}', sli.path);
}

interface Outcome {
  ok: boolean;
  ms: number;
}

async function probeOnce(url: string, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  try {
    // A unique query and no-cache headers: every check is fresh load, never a cached answer.
    const fresh = `${url}${url.includes('?') ? '&' : '?'}fl_probe=${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const response = await fetch(fresh, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'cache-control': 'no-cache', 'user-agent': 'failurelib-probe' },
    });
    await response.arrayBuffer();
    return { ok: response.status < 400, ms: performance.now() - started };
  } catch {
    return { ok: false, ms: Math.max(performance.now() - started, timeoutMs) };
  }
}

async function burst(url: string, settings: ProbeSettings): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < settings.requests) {
      sent += 1;
      outcomes.push(await probeOnce(url, settings.timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, settings.requests) }, worker));
  return outcomes;
}

export function judgeProbe(objective: Objective, sli: ProbeSli, outcomes: Outcome[]): ObjectiveResult {
  const successRate = outcomes.filter((o) => o.ok).length / outcomes.length;
  const latencies = outcomes.map((o) => o.ms);
  const p50Ms = percentile(latencies, 50);
  const p95Ms = percentile(latencies, 95);
  const p99Ms = percentile(latencies, 99);
  const ok =
    successRate >= sli.minSuccessRate &&
    (sli.maxP95Ms === undefined || p95Ms <= sli.maxP95Ms) &&
    (sli.maxP99Ms === undefined || p99Ms <= sli.maxP99Ms);
  const round = (n: number) => Math.round(n);
  return {
    name: objective.name,
    description: objective.description,
    status: ok ? 'green' : 'red',
    value: successRate,
    target: sli.minSuccessRate,
    slis: { successRate, p50Ms: round(p50Ms), p95Ms: round(p95Ms), p99Ms: round(p99Ms), requests: outcomes.length },
  };
}

export function probeProvider(settings: ProbeSettings): SlaProvider {
  return {
    name: 'probe',
    async evaluate(targets: SlaTarget[]) {
      const entries = await Promise.all(
        targets.map(async (target) => {
          const startedAt = Date.now(); // the burst's data is no older than this
          const results = await Promise.all(
            target.objectives.map(async (objective): Promise<ObjectiveResult> => {
              if (!objective.probe) return unknownReading([objective]).objectives[0]!;
              const outcomes = await burst(probeUrl(settings.urlTemplate, target.namespace, objective.probe), settings);
              return judgeProbe(objective, objective.probe, outcomes);
            }),
          );
          return [target.sessionId, readingOf(results, startedAt)] as const;
        }),
      );
      return new Map(entries);
    },
  };
}
