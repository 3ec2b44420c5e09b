// Session ready time on `sim`: POST /api/sessions → phase ready, kubeconfig downloaded and
// `kubectl get deployments` through it answering. Baseline, interleaved: the same namespace and manifests
// applied directly with the Kubernetes client, timed until the SLA objectives are green and kubectl answers.
import { kubectl } from '../tests/support/session-client.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { deployDirect, removeDirect, waitForSla } from './lib/direct-sandbox.ts';
import { metric } from './lib/result.ts';
import { abandonAll, createSession, downloadKubeconfig, waitForPhase } from './lib/sessions.ts';
import { startServices } from './lib/stack.ts';

export const benchmark: Benchmark = {
  name: 'session-ready',
  title: 'Session ready time',
  description:
    'One session at a time through the real API and worker processes over HTTP: from `POST /api/sessions` until ' +
    'the session reports `ready`, its kubeconfig downloads and `kubectl get deployments` through that kubeconfig succeeds. ' +
    'The API is polled every 100 ms. Baseline, interleaved with the sessions: the same namespace and demo-app manifests ' +
    "applied directly with the Kubernetes client (the engine's own helpers), polled every 100 ms until the SLA objectives " +
    "are green, then `kubectl get deployments` with the admin kubeconfig. The ratio is the engine's overhead (workflow, " +
    'activities, the 2 s SLA poll, database, API).',
  async run({ quick, infra, kube, library, workDir, log }) {
    const rounds = quick ? 5 : 20;
    const services = await startServices(infra, 'session-ready');
    const engine: number[] = [];
    const toPhaseReady: number[] = [];
    const direct: number[] = [];
    try {
      // Round 0 warms up both sides (module loading, JIT, first connections) and is not counted.
      for (let round = 0; round <= rounds; round += 1) {
        const counted = round > 0;
        const started = performance.now();
        const session = await createSession(services.apiUrl, round);
        try {
          const { seenAt } = await waitForPhase(services.apiUrl, session, ['ready']);
          const kubeconfig = await downloadKubeconfig(services.apiUrl, session, workDir);
          const listed = await kubectl(kubeconfig, ['get', 'deployments']);
          if (!listed.ok) throw new Error(`kubectl through the participant kubeconfig failed: ${listed.out}`);
          if (counted) {
            engine.push(performance.now() - started);
            toPhaseReady.push(seenAt - started);
          }
        } finally {
          await abandonAll(services.apiUrl, [session]);
        }

        const directStarted = performance.now();
        const sandbox = await deployDirect(kube, library);
        try {
          await waitForSla(kube, library, sandbox.namespace, 'green');
          const listed = await kubectl(infra.kubeconfig, ['get', 'deployments', '-n', sandbox.namespace]);
          if (!listed.ok) throw new Error(`kubectl with the admin kubeconfig failed: ${listed.out}`);
          if (counted) direct.push(performance.now() - directStarted);
        } finally {
          await removeDirect(kube, sandbox);
        }
        if (counted)
          log(`round ${round}/${rounds}: engine ${Math.round(engine.at(-1) ?? 0)} ms, direct ${Math.round(direct.at(-1) ?? 0)} ms`);
      }
    } finally {
      await services.stop();
    }
    return {
      params: { sessions: rounds, apiPollMs: 100, slaPollSeconds: 2 },
      metrics: [
        metric('ready time (create → kubectl works)', 'ms', engine, {
          baseline: { label: 'direct apply', samples: direct },
          goal: { stat: 'p95', max: 3000 },
        }),
        metric('create → phase ready seen', 'ms', toPhaseReady),
      ],
      notes: [
        'One warm-up round on each side is run first and not counted.',
        'Each session is abandoned and its sandbox torn down before the next round starts.',
      ],
    };
  },
};
