// The prometheus SLA provider: each objective's PromQL instant query, with the session's namespace put in.
import type { Objective } from '../../scenarios/lib/schema.ts';
import { mapLimited } from './map-limited.ts';
import { boundTarget, readingOf, withinBounds, type ObjectiveResult, type SlaProvider, type SlaTarget } from './types.ts';

type PrometheusSli = NonNullable<Objective['prometheus']>;

export interface PrometheusSettings {
  url: string;
  timeoutMs: number;
  concurrency: number;
  /**
   * How old an instant query's data may be (about one scrape interval plus rule lag): Prometheus
   * stamps a result with the query time even when the last scrape is older, so freshness allows for it.
   */
  lagMs: number;
}

/** PromQL string literals are double-quoted: a namespace is a DNS label, escaping keeps it that way. */
export function renderQuery(query: string, namespace: string): string {
  return query.replaceAll('{{namespace}}', namespace.replace(/["\\]/g, '\\$&'));
}

interface InstantSample {
  value: number;
  at: number;
}

/** The first sample of an instant query; undefined when the result is empty. Throws when Prometheus cannot answer. */
export async function instantQuery(settings: PrometheusSettings, query: string): Promise<InstantSample | undefined> {
  const url = new URL('api/v1/query', settings.url.endsWith('/') ? settings.url : `${settings.url}/`);
  const response = await fetch(url, {
    method: 'POST',
    body: new URLSearchParams({ query }),
    signal: AbortSignal.timeout(settings.timeoutMs),
  });
  const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
  if (body.status !== 'success' || !body.data) throw new Error(`prometheus: ${body.error ?? `HTTP ${response.status}`}`);
  const { resultType, result } = body.data;
  const pair =
    resultType === 'vector'
      ? (result as { value: [number, string] }[])[0]?.value
      : resultType === 'scalar'
        ? (result as [number, string])
        : undefined;
  if (!pair) return undefined;
  return { at: pair[0] * 1000 - settings.lagMs, value: Number(pair[1]) };
}

export async function judgePrometheus(
  settings: PrometheusSettings,
  namespace: string,
  objective: Objective,
  sli: PrometheusSli,
): Promise<{ result: ObjectiveResult; at?: number }> {
  const base = { name: objective.name, description: objective.description, target: boundTarget(sli) };
  try {
    const sample = await instantQuery(settings, renderQuery(sli.query, namespace));
    if (!sample || Number.isNaN(sample.value)) return { result: { ...base, status: sli.whenEmpty ?? 'unknown' } };
    return { result: { ...base, status: withinBounds(sample.value, sli) ? 'green' : 'red', value: sample.value }, at: sample.at };
  } catch {
    return { result: { ...base, status: 'unknown' } };
  }
}

export function prometheusProvider(settings: PrometheusSettings): SlaProvider {
  return {
    name: 'prometheus',
    async evaluate(targets: SlaTarget[]) {
      const jobs = targets.flatMap((target) => target.objectives.map((objective) => ({ target, objective })));
      const startedAt = Date.now();
      const judged = await mapLimited(jobs, settings.concurrency, async ({ target, objective }) =>
        objective.prometheus
          ? judgePrometheus(settings, target.namespace, objective, objective.prometheus)
          : { result: { name: objective.name, description: objective.description, status: 'unknown' as const }, at: undefined },
      );
      const readings = new Map<string, ObjectiveResult[]>();
      const sampled = new Map<string, number>();
      judged.forEach(({ result, at }, index) => {
        const { sessionId } = jobs[index]!.target;
        readings.set(sessionId, [...(readings.get(sessionId) ?? []), result]);
        // The reading is as old as its oldest sample.
        sampled.set(sessionId, Math.min(sampled.get(sessionId) ?? Infinity, at ?? startedAt));
      });
      return new Map(targets.map((t) => [t.sessionId, readingOf(readings.get(t.sessionId) ?? [], sampled.get(t.sessionId) ?? startedAt)]));
    },
  };
}
