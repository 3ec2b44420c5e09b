// The per-session dashboard (Dashboards API v2): the scenario as text (title and root cause only in
// Learn mode), the session's state lines as a table, one time series per SLI.
import type { Mode } from '../../../domain/session-terms.ts';
import type { Objective } from '../../../scenarios/lib/schema.ts';
import { renderSumoQuery } from './provider.ts';
import { STATE_LINE_CATEGORY } from './state-lines.ts';

export interface DashboardInput {
  sessionId: string;
  namespace: string;
  mode: Mode;
  scenario: { title: string; rootCause: string; story: string };
  objectives: Objective[];
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

export function dashboardBody(input: DashboardInput) {
  const panels: Record<string, unknown>[] = [
    { key: 'scenario', panelType: 'TextPanel', title: 'Scenario', text: scenarioText(input) },
    {
      key: 'state-lines',
      panelType: 'SumoSearchPanel',
      title: 'Session state',
      queries: [
        {
          queryKey: 'A',
          queryType: 'Logs',
          queryString: `${stateLines(input.sessionId)} | count by _messagetime, phase, event, elapsed_s, violated | sort by _messagetime desc`,
          parseMode: 'Manual',
        },
      ],
      visualSettings: JSON.stringify({ general: { mode: 'distribution', type: 'table' } }),
    },
  ];
  for (const objective of input.objectives) {
    const sli = objective.sumo;
    const query =
      sli && 'metrics' in sli
        ? {
            queryKey: 'A',
            queryType: 'Metrics',
            queryString: renderSumoQuery(sli.metrics, [input.namespace]),
            metricsQueryMode: 'Advanced',
          }
        : {
            queryKey: 'A',
            queryType: 'Logs',
            parseMode: 'Manual',
            queryString: `${stateLines(input.sessionId)} | json "slis['${objective.name}']" as value nodrop | where !isNull(value) | timeslice 15s | max(value) as ${field(objective.name)} by _timeslice`,
          };
    panels.push({
      key: `sli-${objective.name}`,
      panelType: 'SumoSearchPanel',
      title: objective.description || objective.name,
      queries: [query],
      visualSettings: JSON.stringify({ general: { mode: 'timeSeries', type: 'line' } }),
    });
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
