// API latency with 2 API replicas against 1, at N concurrent running sessions on the sim cluster: the same
// sessions, the same worker, the same read load, sent either all to one API process or split between two (as the
// Helm chart's two replicas behind their Service). Windows alternate, so a busy moment of the machine is shared.
import { setTimeout as sleep } from 'node:timers/promises';
import { inArray } from 'drizzle-orm';
import { isTerminalPhase, TERMINAL_PHASES } from '../domain/session-terms.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { sessions as sessionsTable } from '../db/schema.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { closeAgents } from './lib/http-client.ts';
import { loadSessionReads, type LoadResult } from './lib/load-loop.ts';
import { sampleProcess } from './lib/process-sampler.ts';
import { metric, type Metric } from './lib/result.ts';
import { abandonSession, createSession, startSession, type BenchSession } from './lib/sessions.ts';
import { startServices } from './lib/stack.ts';
import { waitForPhasesInDatabase } from './lib/wait-phases.ts';

/** The read load at `rate` a second for `windowMs`, sent to the first `replicas` APIs, each reading its share of the sessions. */
async function readLoad(
  apiUrls: readonly string[],
  replicas: number,
  sessions: readonly BenchSession[],
  rate: number,
  windowMs: number,
): Promise<LoadResult> {
  const parts = await Promise.all(
    apiUrls.slice(0, replicas).map((url, index) =>
      loadSessionReads(
        url,
        sessions.filter((_, at) => at % replicas === index),
        rate / replicas,
        windowMs,
      ),
    ),
  );
  return {
    latenciesMs: parts.flatMap((part) => part.latenciesMs),
    errors: parts.reduce((sum, part) => sum + part.errors, 0),
    sent: parts.reduce((sum, part) => sum + part.sent, 0),
    seconds: Math.max(...parts.map((part) => part.seconds)),
  };
}

/** Waits until every session is in one of `phases` or has ended, or `withinMs` passed; the phases then. */
async function settle(
  db: Database,
  wanted: readonly BenchSession[],
  phases: readonly string[],
  withinMs: number,
): Promise<Map<string, string>> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const rows = await db
      .select({ id: sessionsTable.id, phase: sessionsTable.phase })
      .from(sessionsTable)
      .where(
        inArray(
          sessionsTable.id,
          wanted.map((session) => session.id),
        ),
      );
    const current = new Map(rows.map((row) => [row.id, row.phase]));
    const settled = rows.every((row) => phases.includes(row.phase) || isTerminalPhase(row.phase));
    if ((settled && rows.length === wanted.length) || performance.now() > deadline) return current;
    await sleep(1000);
  }
}

export const benchmark: Benchmark = {
  name: 'api-replicas',
  title: 'API replicas: 2 against 1 at 200 concurrent sessions',
  description:
    'One worker process and two API processes (each with its own kube gateway) on one task queue, Temporal dev server and ' +
    'PGlite; N sessions are created at once (each participant from its own loopback address), started, and run on the sim ' +
    'cluster (fault injected, SLA red, the SLA watch polling every 2 s; bounded: sessions not ready within 8 min, or failed, ' +
    'stay as they are and are read like the others, and the result says how many ran). An open-loop load then sends `GET /api/sessions/:id` ' +
    'over HTTP at a fixed rate in alternating windows: all of it to one API process (the baseline), or split evenly between the ' +
    "two (as the chart's Service spreads participants over its replicas), each reading its half of the sessions. Two rates: " +
    "N/2 a second (every session's page refreshed every 2 s) and 2N a second. The API processes' CPU is sampled every second. " +
    'Then every session is abandoned and waited for until it ended.',
  async run({ quick, infra, log }) {
    const n = quick ? 20 : 200;
    const windowMs = quick ? 10_000 : 20_000;
    const rates = [Math.max(5, n / 2), n * 2];
    const services = await startServices(infra, 'api-replicas', { FL_SESSION_CREATE_LIMIT: '1000' }, { apiReplicas: 2 });
    const samplers = services.apis.map((api) => sampleProcess(api.child.pid as number));
    const database = openDatabase(infra.databaseUrl, { maxConnections: 1 });
    let sessions: BenchSession[] = [];
    const readyWithinMs = quick ? 120_000 : 480_000;
    try {
      const creations = await Promise.allSettled(
        Array.from({ length: n }, (_, index) => createSession(services.apiUrls[index % 2] as string, index)),
      );
      sessions = creations.flatMap((creation) => (creation.status === 'fulfilled' ? [creation.value] : []));
      const refused = creations.find((creation) => creation.status === 'rejected');
      if (refused) throw refused.reason;
      // Bounded: on a busy machine a few sandboxes may fail or lag; the reads are measured on every session created.
      const ready = await settle(database.db, sessions, ['ready'], readyWithinMs);
      await Promise.allSettled(
        sessions.filter((session) => ready.get(session.id) === 'ready').map((session) => startSession(services.apiUrl, session)),
      );
      const phases = await settle(database.db, sessions, ['running'], 120_000);
      const count = (phase: string) => [...phases.values()].filter((each) => each === phase).length;
      const running = count('running');
      log(`${n} sessions: ${running} running, ${count('failed')} failed, the rest ${[...new Set(phases.values())].join('/')}`);

      const metrics: Metric[] = [];
      const notes: string[] = [];
      for (const rate of rates) {
        const measured: Record<1 | 2, LoadResult[]> = { 1: [], 2: [] };
        const cpu: Record<1 | 2, number[]> = { 1: [], 2: [] };
        for (const replicas of [1, 2, 1, 2] as const) {
          const from = Date.now();
          const load = await readLoad(services.apiUrls, replicas, sessions, rate, windowMs);
          const to = Date.now();
          measured[replicas].push(load);
          // Summed over the APIs that served the window: the CPU the reads cost.
          const perApi = samplers.map((sampler) => sampler.samples.filter((sample) => sample.at >= from && sample.at <= to));
          const seconds = Math.min(...perApi.map((samples) => samples.length));
          for (let second = 0; second < seconds; second += 1)
            cpu[replicas].push(perApi.reduce((sum, samples) => sum + (samples[second]?.cpuPercent ?? 0), 0));
          log(`${rate}/s to ${replicas} API(s): ${load.sent} reads in ${load.seconds.toFixed(1)} s, ${load.errors} errors`);
        }
        const latencies = (replicas: 1 | 2) => measured[replicas].flatMap((load) => load.latenciesMs);
        metrics.push(
          metric(`${rate} reads/s: GET /api/sessions/:id latency, 2 APIs`, 'ms', latencies(2), {
            baseline: { label: '1 API', samples: latencies(1) },
            goal: { stat: 'p95', max: 100 },
          }),
          metric(`${rate} reads/s: API CPU, all APIs together`, '%', cpu[2], { baseline: { label: '1 API', samples: cpu[1] } }),
        );
        const errors = (replicas: 1 | 2) => measured[replicas].reduce((sum, load) => sum + load.errors, 0);
        if (errors(1) + errors(2) > 0) notes.push(`${rate} reads/s: ${errors(2)} reads failed with 2 APIs, ${errors(1)} with 1.`);
      }
      return {
        params: { sessions: n, running, windowSeconds: windowMs / 1000, windowsEach: 2, rates: rates.join('/'), workers: 1 },
        metrics,
        notes: [
          ...notes,
          'Everything (Temporal, PGlite, the sim cluster, the worker, both APIs and the load generator) shares this machine: a ' +
            "second API process adds an event loop, not CPUs, and every read also waits on PGlite's single thread.",
          'CPU samples count clock ticks over one second: their resolution is 1 % (100 % = one CPU busy).',
        ],
      };
    } finally {
      await Promise.allSettled(sessions.map((session) => abandonSession(services.apiUrl, session)));
      await waitForPhasesInDatabase(database.db, sessions, TERMINAL_PHASES, 300_000).catch((error: unknown) => log(String(error)));
      for (const sampler of samplers) sampler.stop();
      closeAgents();
      await database.close();
      await services.stop();
    }
  },
};
