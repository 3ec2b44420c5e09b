// The SLI series to Sumo Logic: every SLA reading the engine computes (the load generator's success rate and
// p95 latency per journey objective) as OTLP gauges, posted to the telemetry collector's OTLP/HTTP receiver
// (infra/otel-collector), which ships them with the container logs. Tagged like the container logs: `namespace`
// and `session`, the session's key the namespace carries; `session_id` is the full id.
import type { SlaReading } from '../types.ts';

export const SLI_SERIES_CATEGORY = 'failurelib/sli';
/** `_sourceCategory` the collector gives the sandboxes' container logs. */
export const CONTAINER_LOG_CATEGORY = 'failurelib/containers';

/** The metric names in Sumo (one gauge each, dimension `objective`). */
export const SLI_METRICS = {
  errorRate: 'failurelib_sli_error_rate',
  successRate: 'failurelib_sli_success_rate',
  p95Ms: 'failurelib_sli_p95_ms',
  requests: 'failurelib_sli_requests',
  /** 1 green, 0 red (unknown sends nothing). */
  objectiveOk: 'failurelib_sla_objective_ok',
} as const;

/** What cluster/labels.ts sandboxNamespace puts after `fl-`: the tag container logs and SLI points share. */
export function sessionKey(sessionId: string): string {
  return sessionId.replaceAll('-', '').slice(0, 20);
}

const text = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One ExportMetricsServiceRequest (OTLP/JSON) for one reading. */
export function sliMetricsRequest(sessionId: string, namespace: string, reading: SlaReading, at: number) {
  const timeUnixNano = `${BigInt(Math.round(at)) * 1_000_000n}`;
  const points = new Map<string, { objective: string; value: number }[]>();
  const add = (metric: string, objective: string, value: number | undefined) => {
    if (value === undefined || !Number.isFinite(value)) return;
    points.set(metric, [...(points.get(metric) ?? []), { objective, value }]);
  };
  for (const objective of reading.objectives) {
    const slis = objective.slis ?? {};
    add(SLI_METRICS.successRate, objective.name, slis.successRate);
    add(SLI_METRICS.errorRate, objective.name, slis.successRate === undefined ? undefined : 1 - slis.successRate);
    add(SLI_METRICS.p95Ms, objective.name, slis.p95Ms);
    add(SLI_METRICS.requests, objective.name, slis.requests);
    if (objective.status !== 'unknown') add(SLI_METRICS.objectiveOk, objective.name, objective.status === 'green' ? 1 : 0);
  }
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            text('namespace', namespace),
            text('session', sessionKey(sessionId)),
            text('session_id', sessionId),
            text('_sourceCategory', SLI_SERIES_CATEGORY),
            text('service.name', 'failurelib'),
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'failurelib.sla' },
            metrics: [...points].map(([name, values]) => ({
              name,
              gauge: {
                dataPoints: values.map(({ objective, value }) => ({
                  attributes: [text('objective', objective)],
                  timeUnixNano,
                  asDouble: value,
                })),
              },
            })),
          },
        ],
      },
    ],
  };
}

/** Posts one reading to the collector (`collectorUrl` without a path); throws when the collector refuses it. */
export async function pushSliSeries(collectorUrl: string, sessionId: string, namespace: string, reading: SlaReading, at = Date.now()) {
  const body = sliMetricsRequest(sessionId, namespace, reading, at);
  if (body.resourceMetrics[0]!.scopeMetrics[0]!.metrics.length === 0) return;
  const response = await fetch(new URL('/v1/metrics', collectorUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`the telemetry collector refused the SLI series (HTTP ${response.status})`);
}
