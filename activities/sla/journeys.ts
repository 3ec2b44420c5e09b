// The journeys SLA provider: the SLA as users feel it. Each sandbox's load generator (cluster/load-generator.ts)
// plays the system's journeys; its /results, read through the API server's service proxy, give each journey's
// success rate and p95 latency over a window of real runs. No answer, stale results or too few runs read
// `unknown`, never green: a stopped or starved load generator cannot make a broken system look repaired.
import { request } from 'node:https';
import { request as plainRequest } from 'node:http';
import type { Kube } from '../../cluster/kube.ts';
import { LOAD_GENERATOR_NAME } from '../../cluster/labels.ts';
import type { Objective } from '../../scenarios/lib/schema.ts';
import type { JourneyResults } from '../../services/load-generator/window.ts';
import { mapLimited } from './map-limited.ts';
import { readingOf, unknownReading, type ObjectiveResult, type SlaProvider, type SlaReading, type SlaTarget } from './types.ts';

export type { JourneyResults };

type JourneySli = NonNullable<Objective['journey']>;

/** Runs a window must hold for a verdict, as a share of what the journey's rate would put there. */
const MIN_SHARE_OF_EXPECTED_RUNS = 0.5;
const MIN_RUNS = 3;

/**
 * One journey objective from the load generator's results (undefined: it did not answer). `now` is the
 * engine's clock: results generated longer than a window ago are stale.
 */
export function judgeJourney(objective: Objective, sli: JourneySli, results: JourneyResults | undefined, now: number): ObjectiveResult {
  const base = { name: objective.name, description: objective.description, target: sli.minSuccessRate };
  const unknown = (why: string): ObjectiveResult => ({ ...base, status: 'unknown', description: `${objective.description} (${why})` });
  if (!results) return unknown('the load generator does not answer');
  const windowMs = sli.windowSeconds * 1000;
  const generatedAt = Date.parse(results.generatedAt);
  if (!(now - generatedAt <= windowMs)) return unknown('the load generator results are stale');
  const journey = results.journeys[sli.name];
  if (!journey) return unknown(`the load generator does not play the journey ${sli.name}`);
  const last = journey.lastRequestAt ? Date.parse(journey.lastRequestAt) : Number.NaN;
  if (!(generatedAt - last <= windowMs)) return unknown(`no run of ${sli.name} within ${sli.windowSeconds} s`);
  const expected = (journey.ratePerSecond ?? 0) * Math.min(sli.windowSeconds, journey.windowSeconds);
  if (journey.requests < Math.max(MIN_RUNS, Math.floor(expected * MIN_SHARE_OF_EXPECTED_RUNS))) {
    return unknown(`only ${journey.requests} runs of ${sli.name} in the window`);
  }
  const successRate = journey.successRate ?? 0;
  const p95Ms = journey.p95Ms ?? Number.POSITIVE_INFINITY;
  const ok = successRate >= sli.minSuccessRate && (sli.maxP95Ms === undefined || p95Ms <= sli.maxP95Ms);
  return {
    ...base,
    status: ok ? 'green' : 'red',
    value: successRate,
    slis: { successRate, p95Ms: Math.round(p95Ms * 10) / 10, requests: journey.requests },
  };
}

/** The reading of a session's journey objectives; the reading is as old as the results it was made from. */
export function readingFromResults(objectives: Objective[], results: Map<number, JourneyResults | undefined>, now: number): SlaReading {
  const judged = objectives.map((objective) =>
    objective.journey
      ? judgeJourney(objective, objective.journey, results.get(objective.journey.windowSeconds), now)
      : { name: objective.name, description: objective.description, status: 'unknown' as const },
  );
  const stamps = [...results.values()].flatMap((r) => (r ? [Date.parse(r.generatedAt)] : []));
  return readingOf(judged, Math.min(now, ...stamps));
}

const PROXY_TIMEOUT_MS = 3000;

/** GET the load generator's /results/<window> through the API server's service proxy; undefined when it cannot answer. */
export async function fetchResults(kube: Kube, namespace: string, windowSeconds: number): Promise<JourneyResults | undefined> {
  const url = new URL(
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${LOAD_GENERATOR_NAME}:http/proxy/results/${windowSeconds}`,
    kube.server,
  );
  const options: import('node:https').RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
  await kube.config.applyToHTTPSOptions(options);
  const send = url.protocol === 'https:' ? request : plainRequest;
  return new Promise((resolve) => {
    const outgoing = send(url, { ...options, timeout: PROXY_TIMEOUT_MS }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) return resolve(undefined);
        try {
          const parsed = JSON.parse(body) as JourneyResults;
          resolve(typeof parsed.generatedAt === 'string' && parsed.journeys ? parsed : undefined);
        } catch {
          resolve(undefined);
        }
      });
      response.on('error', () => resolve(undefined));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', () => resolve(undefined));
    outgoing.end();
  });
}

/** Reads each session's journey objectives; `cluster` as for kube-state (the driven cluster or a session's own). */
export function journeyProvider(cluster: Kube | ((sessionId: string) => Promise<Kube>), concurrency = 16): SlaProvider {
  const kubeFor = typeof cluster === 'function' ? cluster : async () => cluster;
  return {
    name: 'journeys',
    async evaluate(targets: SlaTarget[]) {
      const readings = await mapLimited(targets, concurrency, async (target) => {
        const kube = await kubeFor(target.sessionId).catch(() => undefined);
        if (!kube) return [target.sessionId, unknownReading(target.objectives)] as const;
        const windows = [...new Set(target.objectives.flatMap((o) => (o.journey ? [o.journey.windowSeconds] : [])))];
        const results = new Map(await Promise.all(windows.map(async (w) => [w, await fetchResults(kube, target.namespace, w)] as const)));
        return [target.sessionId, readingFromResults(target.objectives, results, Date.now())] as const;
      });
      return new Map(readings);
    },
  };
}
