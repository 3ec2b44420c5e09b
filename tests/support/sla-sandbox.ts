// A session row plus a deployed demo-app sandbox in the sim cluster, and a way to run the real watchSla
// body against it: for SLA provider tests and the repair-latency benchmark.
import { eq } from 'drizzle-orm';
import { applyManifests, createSandbox, deleteSandbox, parseManifests } from '../../cluster/sandbox.ts';
import type { Kube } from '../../cluster/kube.ts';
import type { SlaEvaluator } from '../../activities/sla/evaluator.ts';
import { predicatesHold } from '../../activities/sla/kube-state.ts';
import { watch, type WatchInput } from '../../activities/sla/watch.ts';
import type { Database } from '../../db/client.ts';
import { sessions } from '../../db/schema.ts';
import type { Library } from '../../scenarios/lib/load.ts';
import type { Objective } from '../../scenarios/lib/schema.ts';
import { insertSessionRow } from './session-row.ts';

export interface SlaSandbox {
  sessionId: string;
  namespace: string;
  /** Runs the watchSla body until its transition (or `signal` aborts it). */
  watch(until: WatchInput['until'], holdSeconds: number, signal?: AbortSignal): Promise<{ status: string; at: string }>;
  scale(deployment: string, replicas: number): Promise<void>;
  remove(): Promise<void>;
}

export async function createSlaSandbox(
  db: Database,
  kube: Kube,
  library: Library,
  evaluator: SlaEvaluator,
  objectives: Objective[],
): Promise<SlaSandbox> {
  const sessionId = await insertSessionRow(db, 'SLA Sue');
  const namespace = await createSandbox(kube, sessionId);
  await applyManifests(kube, sessionId, namespace, parseManifests(library.systems.get('demo-app')!.manifests));
  const oracle = library.scenarios.get('storefront-scaled-to-zero')!.spec.oracle.predicates;
  return {
    sessionId,
    namespace,
    watch: (until, holdSeconds, signal = new AbortController().signal) =>
      watch(
        { sessionId, namespace, until, holdSeconds },
        {
          db,
          evaluator,
          objectives,
          oracleHolds: () => predicatesHold(kube, namespace, oracle),
          resumed: undefined,
          heartbeat: () => {},
          signal,
        },
      ),
    scale: async (name, replicas) => {
      await kube.apps.replaceNamespacedDeploymentScale({ name, namespace, body: { metadata: { name, namespace }, spec: { replicas } } });
    },
    remove: async () => {
      while (!(await deleteSandbox(kube, sessionId))) await new Promise((resolve) => setTimeout(resolve, 300));
      await db.delete(sessions).where(eq(sessions.id, sessionId));
    },
  };
}
