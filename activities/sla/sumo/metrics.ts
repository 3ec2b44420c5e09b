// The Metrics Query API: several queries (one rowId each) in one request.
import type { SumoClient } from './client.ts';
import { SumoApiError } from './errors.ts';

export interface MetricsRow {
  rowId: string;
  query: string;
  quantizationMs?: number;
  rollup?: 'Avg' | 'Sum' | 'Min' | 'Max' | 'Count';
}

export interface SeriesPoint {
  dimensions: Record<string, string>;
  timestamp: number;
  value: number;
}

interface TimeSeries {
  metricDefinition?: { dimensions?: Record<string, string> };
  points?: { timestamps?: (number | string)[]; values?: (number | string)[] };
}
interface MetricsResponse {
  queryResult?: { rowId: string; timeSeriesList?: { timeSeries?: TimeSeries[] } }[];
  queryResults?: MetricsResponse['queryResult'];
  errors?: { errors?: { code?: string; message?: string }[] } | { code?: string; message?: string }[];
}

/** The last point of every series, per rowId. Errors that come with a 200 are raised: an incomplete answer must not turn green. */
export async function queryMetrics(client: SumoClient, rows: MetricsRow[], windowSeconds: number): Promise<Map<string, SeriesPoint[]>> {
  const { body } = await client.request<MetricsResponse>('POST', 'v1/metricsQueries', {
    queries: rows.map((row) => ({
      rowId: row.rowId,
      query: row.query,
      quantization: row.quantizationMs ?? 60_000,
      rollup: row.rollup ?? 'Avg',
    })),
    timeRange: { type: 'BeginBoundedTimeRange', from: { type: 'RelativeTimeRangeBoundary', relativeTime: `-${windowSeconds}s` } },
  });
  const errors = Array.isArray(body.errors) ? body.errors : (body.errors?.errors ?? []);
  if (errors.length > 0) throw new SumoApiError(200, errors[0]?.code ?? 'metrics.error', errors.map((e) => e.message).join('; '));
  const results = new Map<string, SeriesPoint[]>();
  for (const result of body.queryResult ?? body.queryResults ?? []) {
    const points = (result.timeSeriesList?.timeSeries ?? []).flatMap((series) => {
      const timestamps = series.points?.timestamps ?? [];
      const values = series.points?.values ?? [];
      if (timestamps.length === 0) return [];
      const last = timestamps.length - 1;
      return [{ dimensions: series.metricDefinition?.dimensions ?? {}, timestamp: Number(timestamps[last]), value: Number(values[last]) }];
    });
    results.set(result.rowId, points);
  }
  return results;
}
