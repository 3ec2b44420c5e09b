// The sumo SLA provider: per poll interval ONE search job per distinct log SLI and ONE metrics request for
// all metric SLIs, covering every running session, results grouped by the session's namespace.
import type { Objective } from '../../../scenarios/lib/schema.ts';
import { boundTarget, readingOf, withinBounds, type ObjectiveResult, type SlaProvider, type SlaTarget } from '../types.ts';
import type { SumoClient } from './client.ts';
import { queryMetrics } from './metrics.ts';
import { runSearch } from './search.ts';

export interface SumoProviderSettings {
  /** Seconds a line takes to become searchable: windows end this far back, and samples are stamped so. */
  ingestLagSeconds: number;
  windowSeconds: number;
  searchPollMs?: number;
  onError?: (error: unknown) => void;
}

type SumoSli = NonNullable<Objective['sumo']>;
interface Measured {
  value: number;
  at: number;
}

/** Beyond this many namespaces a query filters on their common prefix instead (Sumo queries have a length limit). */
export const MAX_LISTED_NAMESPACES = 50;

function commonPrefix(values: string[]): string {
  return values.reduce((prefix, value) => {
    let i = 0;
    while (i < prefix.length && prefix[i] === value[i]) i += 1;
    return prefix.slice(0, i);
  });
}

/**
 * `(namespace="a" OR namespace="b")` for the sessions asking; for many sessions `(namespace="fl-*")`
 * over their common prefix (rows of other namespaces are ignored when results are matched to sessions).
 */
export function namespaceFilter(namespaces: string[]): string {
  const unique = [...new Set(namespaces)].map((ns) => ns.replace(/["\\*]/g, ''));
  const prefix = unique.length > MAX_LISTED_NAMESPACES ? commonPrefix(unique) : '';
  if (prefix.length >= 3) return `(namespace="${prefix}*")`;
  return `(${unique.map((ns) => `namespace="${ns}"`).join(' OR ')})`;
}

export function renderSumoQuery(query: string, namespaces: string[]): string {
  return query.replaceAll('{{namespaces}}', namespaceFilter(namespaces));
}

const queryOf = (sli: SumoSli) => ('search' in sli ? sli.search : sli.metrics);

export function sumoProvider(client: SumoClient, settings: SumoProviderSettings): SlaProvider {
  const lagMs = settings.ingestLagSeconds * 1000;

  /** One measurement per (query, namespace); undefined entries mean the query failed or had no row. */
  async function measure(targets: SlaTarget[]): Promise<Map<string, Map<string, Measured>>> {
    const byQuery = new Map<string, { sli: SumoSli; namespaces: string[] }>();
    for (const target of targets) {
      for (const objective of target.objectives) {
        if (!objective.sumo) continue;
        const key = queryOf(objective.sumo);
        const entry = byQuery.get(key) ?? { sli: objective.sumo, namespaces: [] };
        entry.namespaces.push(target.namespace);
        byQuery.set(key, entry);
      }
    }
    const measured = new Map<string, Map<string, Measured>>();
    const searches = [...byQuery].filter(([, { sli }]) => 'search' in sli);
    const metrics = [...byQuery].filter(([, { sli }]) => 'metrics' in sli);
    const now = Date.now();
    await Promise.all([
      ...searches.map(async ([key, { sli, namespaces }]) => {
        const to = now - lagMs;
        const from = to - (sli.windowSeconds ?? settings.windowSeconds) * 1000;
        try {
          const records = await runSearch(
            client,
            { query: renderSumoQuery(key, namespaces), from, to, byReceiptTime: false },
            { pollMs: settings.searchPollMs },
          );
          const values = new Map<string, Measured>();
          for (const record of records) {
            if (typeof record.namespace === 'string' && typeof record.value === 'number')
              values.set(record.namespace, { value: record.value, at: to });
          }
          measured.set(key, values);
        } catch (error) {
          settings.onError?.(error);
        }
      }),
      (async () => {
        if (metrics.length === 0) return;
        const rows = metrics.map(([key, { namespaces }], index) => ({
          rowId: String.fromCharCode(65 + (index % 26)) + (index >= 26 ? index : ''),
          query: renderSumoQuery(key, namespaces),
        }));
        const window = Math.max(...metrics.map(([, { sli }]) => sli.windowSeconds ?? settings.windowSeconds));
        try {
          const results = await queryMetrics(client, rows, window);
          rows.forEach((row, index) => {
            const values = new Map<string, Measured>();
            for (const point of results.get(row.rowId) ?? []) {
              const namespace = point.dimensions.namespace;
              if (namespace && Number.isFinite(point.value)) values.set(namespace, { value: point.value, at: point.timestamp });
            }
            measured.set(metrics[index]![0], values);
          });
        } catch (error) {
          settings.onError?.(error);
        }
      })(),
    ]);
    return measured;
  }

  return {
    name: 'sumo',
    async evaluate(targets) {
      const measured = await measure(targets);
      return new Map(
        targets.map((target) => {
          let sampledAt = Date.now() - lagMs;
          const objectives = target.objectives.map((objective): ObjectiveResult => {
            const base = { name: objective.name, description: objective.description };
            if (!objective.sumo) return { ...base, status: 'unknown' };
            const found = measured.get(queryOf(objective.sumo))?.get(target.namespace);
            if (!found) return { ...base, status: 'unknown', target: boundTarget(objective.sumo) };
            sampledAt = Math.min(sampledAt, found.at);
            return {
              ...base,
              status: withinBounds(found.value, objective.sumo) ? 'green' : 'red',
              value: found.value,
              target: boundTarget(objective.sumo),
            };
          });
          return [target.sessionId, readingOf(objectives, sampledAt)];
        }),
      );
    },
  };
}
