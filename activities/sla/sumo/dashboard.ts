// The per-session dashboard (Dashboards API v2): the scenario as text (title and root cause only in
// Learn mode), the session's state lines as a table, one time series per SLI. With the telemetry collector
// (SUMO_OTLP_URL), also the real error rate and p95 latency of each journey (the SLI series) and the failing
// services' own log lines (the sandbox's container logs), all by the session's namespace.
import type { Mode } from '../../../domain/session-terms.ts';
import { LOAD_GENERATOR_NAME } from '../../../cluster/labels.ts';
import type { Objective } from '../../../scenarios/lib/schema.ts';
import { renderSumoQuery } from './provider.ts';
import { CONTAINER_LOG_CATEGORY, SLI_METRICS } from './sli-series.ts';
import { STATE_LINE_CATEGORY } from './state-lines.ts';

export interface DashboardInput {
  sessionId: string;
  namespace: string;
  mode: Mode;
  scenario: { title: string; rootCause: string; story: string };
  objectives: Objective[];
  /** The telemetry collector ships the container logs and SLI series to Sumo (SUMO_OTLP_URL is set). */
  telemetry?: boolean;
}

const cell = (x: number, y: number, width: number, height: number) => JSON.stringify({ height, width, x, y });
/** Sumo field names: letters, digits, underscores. */
const field = (name: string) => name.replaceAll('-', '_');

function stateLines(sessionId: string) {
  return `_sourceCategory="${STATE_LINE_CATEGORY}" _sourceName="${sessionId}" | json "phase", "event", "elapsedSeconds", "violated" as phase, event, elapsed_s, violated nodrop`;
}

export function scenarioText(input: DashboardInput): string {
  if (input.mode === 'challenge') {
    // No name at all: the worker does not know the session's codename, and the library's own names are public.
    return `## Your challenge\n\nSomething in your namespace \`${input.namespace}\` breaks the SLA. Find it and fix it with kubectl; the session ends when the SLA is green and stays green.`;
  }
  return `## ${input.scenario.title}\n\n${input.scenario.story}\n\n**Root cause:** ${input.scenario.rootCause}\n\nNamespace: \`${input.namespace}\``;
}

/** Words of a line that reports a failure (Sumo keyword search is case-insensitive). */
const FAILURE_WORDS = ['error', 'fatal', 'failed', 'failure', 'refused', 'emerg', 'panic', 'timeout', 'denied', 'killed', 'unavailable'];

/** The sandbox's container log lines that report a failure, the load generator's excepted (it is not a service). */
export function failingLogLines(namespace: string): string {
  return `_sourceCategory="${CONTAINER_LOG_CATEGORY}" namespace="${namespace}" !container="${LOAD_GENERATOR_NAME}" (${FAILURE_WORDS.join(' OR ')})`;
}

const metricsQuery = (queryString: string) => ({ queryKey: 'A', queryType: 'Metrics', queryString, metricsQueryMode: 'Advanced' });
const logsQuery = (queryString: string) => ({ queryKey: 'A', queryType: 'Logs', parseMode: 'Manual', queryString });
const searchPanel = (key: string, title: string, query: Record<string, string>, type: 'line' | 'table') => ({
  key,
  panelType: 'SumoSearchPanel',
  title,
  queries: [query],
  visualSettings: JSON.stringify({
    general: type === 'line' ? { mode: 'timeSeries', type: 'line' } : { mode: 'distribution', type: 'table' },
  }),
});

/** The panels from what the collector sends: error rate and p95 latency per objective, failing services' lines. */
export function telemetryPanels(namespace: string) {
  const series = (metric: string) => `metric=${metric} namespace="${namespace}" | max by objective`;
  return [
    searchPanel('error-rate', 'Error rate (share of failed journeys)', metricsQuery(series(SLI_METRICS.errorRate)), 'line'),
    searchPanel('latency-p95', 'Latency p95 (ms)', metricsQuery(series(SLI_METRICS.p95Ms)), 'line'),
    searchPanel(
      'failing-services',
      'Failure lines per service',
      logsQuery(
        `${failingLogLines(namespace)} | timeslice 15s | count by _timeslice, container | transpose row _timeslice column container`,
      ),
      'line',
    ),
    searchPanel(
      'failing-lines',
      "Failing services' log lines",
      logsQuery(`${failingLogLines(namespace)} | count by _messagetime, container, pod, _raw | sort by _messagetime desc | limit 200`),
      'table',
    ),
  ];
}

export function dashboardBody(input: DashboardInput) {
  const panels: Record<string, unknown>[] = [
    { key: 'scenario', panelType: 'TextPanel', title: 'Scenario', text: scenarioText(input) },
    searchPanel(
      'state-lines',
      'Session state',
      logsQuery(`${stateLines(input.sessionId)} | count by _messagetime, phase, event, elapsed_s, violated | sort by _messagetime desc`),
      'table',
    ),
  ];
  if (input.telemetry) panels.push(...telemetryPanels(input.namespace));
  for (const objective of input.objectives) {
    const sli = objective.sumo;
    const query =
      sli && 'metrics' in sli
        ? metricsQuery(renderSumoQuery(sli.metrics, [input.namespace]))
        : input.telemetry && objective.journey
          ? metricsQuery(`metric=${SLI_METRICS.successRate} namespace="${input.namespace}" objective="${objective.name}" | max`)
          : logsQuery(
              `${stateLines(input.sessionId)} | json "slis['${objective.name}']" as value nodrop | where !isNull(value) | timeslice 15s | max(value) as ${field(objective.name)} by _timeslice`,
            );
    panels.push(searchPanel(`sli-${objective.name}`, objective.description || objective.name, query, 'line'));
  }
  const layoutStructures = panels.map((panel, index) => ({
    key: panel.key,
    structure:
      index === 0
        ? cell(0, 0, 12, 6)
        : index === 1
          ? cell(12, 0, 12, 6)
          : cell(((index - 2) % 2) * 12, 6 + Math.floor((index - 2) / 2) * 8, 12, 8),
  }));
  return {
    title: `Failure Library session ${input.sessionId.slice(0, 8)}`,
    description: 'Created by the Failure Library for one practice session; deleted when the session ends.',
    timeRange: { type: 'BeginBoundedTimeRange', from: { type: 'RelativeTimeRangeBoundary', relativeTime: '-1h' }, to: null },
    refreshInterval: 30,
    theme: 'Dark',
    panels,
    variables: [],
    layout: { layoutType: 'Grid', layoutStructures },
  };
}
