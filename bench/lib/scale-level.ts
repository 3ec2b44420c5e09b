// One level of the scale benchmark: N concurrent sessions on one API process and one worker process.
import { Client, Connection } from '@temporalio/client';
import type { Kube } from '../../cluster/kube.ts';
import type { Library } from '../../scenarios/lib/load.ts';
import { timeManyDirect } from './direct-sandbox.ts';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../../cluster/labels.ts';
import { workflowIdOf } from '../../api/sessions/session-plan.ts';
import { loadSessionReads } from './load-loop.ts';
import { sampleProcess, type ProcessSample } from './process-sampler.ts';
import { TERMINAL_PHASES } from '../../domain/session-terms.ts';
import { abandonSession, createSession, startSession, type BenchSession } from './sessions.ts';
import { waitForPhasesInDatabase } from './wait-phases.ts';
import { openDatabase } from '../../db/client.ts';
import { startServices, type Infra } from './stack.ts';

export interface LevelResult {
  sessions: number;
  apiLatencyMs: number[];
  apiErrors: number;
  requestRate: number;
  workerCpuPercent: number[];
  workerPeakRssMiB: number;
  apiCpuPercent: number[];
  historyEvents: number[];
  /** Per session: its final history length plus its growth while running, extended to one hour of running. */
  historyEventsPerSessionHour: number[];
  allReadySeconds: number;
  /** The same N sandboxes deployed directly with the Kubernetes client, at once: the cluster's share. */
  directAllReadySeconds: number;
  sandboxesLeft: string[];
}

const inWindow = (samples: readonly ProcessSample[], from: number, to: number) =>
  samples.filter((sample) => sample.at >= from && sample.at <= to).map((sample) => sample.cpuPercent);

export async function runScaleLevel(
  infra: Infra,
  kube: Kube,
  library: Library,
  n: number,
  windowMs: number,
  log: (message: string) => void,
): Promise<LevelResult> {
  // First, before the API and worker exist: the cluster work alone, so "all ready" has a baseline at the same N.
  const directAllReadySeconds = await timeManyDirect(kube, library, n);
  log(`N=${n}: ${n} sandboxes deployed directly, all green after ${directAllReadySeconds.toFixed(1)} s`);
  const services = await startServices(infra, `scale-${n}`);
  const workerSampler = sampleProcess(services.worker.child.pid as number);
  const apiSampler = sampleProcess(services.api.child.pid as number);
  const connection = await Connection.connect({ address: infra.temporalAddress });
  const temporal = new Client({ connection });
  const database = openDatabase(infra.databaseUrl, { maxConnections: 1 });
  const abandonAll = async (timeoutMs = 180_000) => {
    await Promise.allSettled(sessions.map((session) => abandonSession(services.apiUrl, session)));
    await waitForPhasesInDatabase(database.db, sessions, TERMINAL_PHASES, timeoutMs);
  };
  const historyLength = async (session: BenchSession) =>
    (await temporal.workflow.getHandle(workflowIdOf(session.id)).fetchHistory()).events?.length ?? 0;
  let sessions: BenchSession[] = [];
  try {
    const created = performance.now();
    const creations = await Promise.allSettled(Array.from({ length: n }, (_, index) => createSession(services.apiUrl, index)));
    sessions = creations.flatMap((creation) => (creation.status === 'fulfilled' ? [creation.value] : []));
    const refused = creations.find((creation) => creation.status === 'rejected');
    if (refused) throw refused.reason; // the sessions that were created are abandoned below
    const timeoutMs = 120_000 + n * 3_000;
    await waitForPhasesInDatabase(database.db, sessions, ['ready'], timeoutMs);
    const allReadySeconds = (performance.now() - created) / 1000;
    log(`N=${n}: all ready after ${allReadySeconds.toFixed(1)} s`);
    await Promise.all(sessions.map((session) => startSession(services.apiUrl, session)));
    await waitForPhasesInDatabase(database.db, sessions, ['running'], timeoutMs);
    const runningSince = Date.now();

    const before = await Promise.all(sessions.map(historyLength));
    const windowStart = Date.now();
    const requestRate = Math.max(5, n / 2);
    const load = await loadSessionReads(services.apiUrl, sessions, requestRate, windowMs);
    const windowEnd = Date.now();
    const after = await Promise.all(sessions.map(historyLength));
    log(`N=${n}: ${load.sent} reads in ${load.seconds.toFixed(1)} s, ${load.errors} errors`);

    await abandonAll(timeoutMs);
    const runningSeconds = (Date.now() - runningSince) / 1000;
    const final = await Promise.all(sessions.map(historyLength));
    const windowSeconds = (windowEnd - windowStart) / 1000;
    const perHour = final.map((events, index) => {
      const growthPerSecond = ((after[index] ?? 0) - (before[index] ?? 0)) / windowSeconds;
      return events + growthPerSecond * Math.max(0, 3600 - runningSeconds);
    });
    const left = await kube.core.listNamespace({ labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}` });
    return {
      sessions: n,
      apiLatencyMs: load.latenciesMs,
      apiErrors: load.errors,
      requestRate,
      workerCpuPercent: inWindow(workerSampler.samples, windowStart, windowEnd),
      workerPeakRssMiB: Math.max(...workerSampler.samples.map((sample) => sample.rssMiB)),
      apiCpuPercent: inWindow(apiSampler.samples, windowStart, windowEnd),
      historyEvents: final,
      historyEventsPerSessionHour: perHour,
      allReadySeconds,
      directAllReadySeconds,
      sandboxesLeft: left.items.map((namespace) => namespace.metadata?.name ?? '?'),
    };
  } catch (error) {
    await abandonAll().catch(() => {});
    throw error;
  } finally {
    workerSampler.stop();
    apiSampler.stop();
    await connection.close();
    await database.close();
    await services.stop();
  }
}
