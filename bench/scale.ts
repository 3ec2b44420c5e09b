// Scale: N concurrent running sessions on ONE worker process and ONE API process. Measures API latency under
// a read load, the worker's CPU and memory, and Temporal history events per session; baseline N = 1.
import type { Benchmark } from './lib/benchmark.ts';
import { metric, type Metric } from './lib/result.ts';
import { runScaleLevel, type LevelResult } from './lib/scale-level.ts';

export const benchmark: Benchmark = {
  name: 'scale',
  title: 'Scale: concurrent sessions on one worker and one API',
  description:
    'For each N, a fresh API process and worker process; N sessions are created at once (each participant from its own ' +
    'loopback address), wait until all are `ready` (phases read from the database once a second, so waiting does not load the ' +
    'API being measured), are started, and run (fault injected, SLA red, the SLA watch polling every 2 s). ' +
    'During a measurement window an open-loop load sends `GET /api/sessions/:id` over HTTP at max(5, N/2) requests a second ' +
    "(every session's page refreshed every 2 s). Worker and API CPU are sampled from /proc every second in that window; the " +
    "worker's peak RSS over the whole level. Then every session is abandoned and its Temporal history length read " +
    '(`fetchHistory`). History per session-hour = the final history length plus its growth during the window extended to one hour ' +
    'of running. "Time until all ready" has its own baseline: the same N sandboxes deployed at once directly with the Kubernetes ' +
    "client (SLA polled every second) before the level's API and worker start, i.e. the cluster's share of that time. " +
    'After each level no namespace labelled `app.kubernetes.io/managed-by=failurelib` may remain. Other baselines: N = 1.',
  async run({ quick, infra, kube, library, log }) {
    const levels = quick ? [5, 10] : [10, 50, 200];
    const windowMs = quick ? 20_000 : 60_000;
    const baseline = await runScaleLevel(infra, kube, library, 1, windowMs, log);
    const results: LevelResult[] = [];
    for (const n of levels) results.push(await runScaleLevel(infra, kube, library, n, windowMs, log));
    const against = (label: string, samples: number[]) => ({ label: `N=1${label}`, samples });
    const metrics: Metric[] = results.flatMap((level): Metric[] => [
      metric(`N=${level.sessions}: API GET /api/sessions/:id latency`, 'ms', level.apiLatencyMs, {
        baseline: against('', baseline.apiLatencyMs),
        goal: { stat: 'p95', max: 100 },
      }),
      metric(`N=${level.sessions}: worker CPU`, '%', level.workerCpuPercent, { baseline: against('', baseline.workerCpuPercent) }),
      metric(`N=${level.sessions}: worker peak RSS`, 'MiB', [level.workerPeakRssMiB], {
        baseline: against('', [baseline.workerPeakRssMiB]),
      }),
      metric(`N=${level.sessions}: API CPU`, '%', level.apiCpuPercent, { baseline: against('', baseline.apiCpuPercent) }),
      metric(`N=${level.sessions}: history events per session`, 'events', level.historyEvents, {
        baseline: against('', baseline.historyEvents),
      }),
      metric(`N=${level.sessions}: history events per session-hour`, 'events', level.historyEventsPerSessionHour, {
        baseline: against('', baseline.historyEventsPerSessionHour),
        goal: { stat: 'p95', max: 300 },
      }),
      metric(`N=${level.sessions}: time until all ready`, 's', [level.allReadySeconds], {
        baseline: { label: `${level.sessions} deployed directly`, samples: [level.directAllReadySeconds] },
      }),
      metric(`N=${level.sessions}: sandbox namespaces left after abandon`, '', [level.sandboxesLeft.length], {
        goal: { stat: 'p95', max: 0 },
      }),
    ]);
    const notes = [baseline, ...results].flatMap((level) => [
      ...(level.apiErrors > 0 ? [`N=${level.sessions}: ${level.apiErrors} API reads failed (not counted in the latency).`] : []),
      ...(level.sandboxesLeft.length > 0
        ? [`N=${level.sessions}: sandboxes left behind: ${level.sandboxesLeft.slice(0, 5).join(', ')}`]
        : []),
    ]);
    return {
      params: { levels: levels.join('/'), windowSeconds: windowMs / 1000, slaPollSeconds: 2, readsPerSecond: 'max(5, N/2)' },
      metrics,
      notes: [
        ...notes,
        'The goal "< 300 history events per session-hour" is checked as p95 ≤ 300.',
        'CPU samples count clock ticks over one second: their resolution is 1 % (100 % = one CPU busy).',
      ],
    };
  },
};
