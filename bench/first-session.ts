// The first session after a start: a worker process and an API process started together, one session created as
// soon as the API answers, timed until it is ready. With the prebuilt workflow bundle (npm run build) the worker
// polls within a second or two; the baseline worker bundles the workflows itself first (FL_WORKFLOW_BUNDLE=none).
import type { Benchmark } from './lib/benchmark.ts';
import { metric } from './lib/result.ts';
import { abandonAll, createSession, waitForPhase } from './lib/sessions.ts';
import { startServices } from './lib/stack.ts';
import { DEFAULT_WORKFLOW_BUNDLE, buildWorkflowBundle, staleness } from '../worker/workflow-bundle.ts';

export const benchmark: Benchmark = {
  name: 'first-session',
  title: 'First session after a start',
  description:
    'A fresh worker process and API process are started together (as `infra/up.sh` does); one session is created ' +
    'as soon as `/api/health` answers and timed from `POST /api/sessions` until the API reports `ready` (polled every 100 ms). ' +
    'The worker loads the workflow bundle prebuilt by `npm run build` (worker/build, used only while its sources are ' +
    'unchanged). Baseline, interleaved: the same with `FL_WORKFLOW_BUNDLE=none`, where the worker bundles the workflows ' +
    '(webpack) before it polls, as every worker did before.',
  async run({ quick, infra, log }) {
    const rounds = quick ? 2 : 5;
    if (staleness(DEFAULT_WORKFLOW_BUNDLE) !== undefined) await buildWorkflowBundle(DEFAULT_WORKFLOW_BUNDLE);
    const prebuilt: number[] = [];
    const bundledAtStart: number[] = [];
    const firstReady = async (label: string, env: Record<string, string>): Promise<number> => {
      const services = await startServices(infra, `first-session-${label}`, env, { waitForWorker: false });
      try {
        const started = performance.now();
        const session = await createSession(services.apiUrl);
        try {
          const { seenAt } = await waitForPhase(services.apiUrl, session, ['ready'], { timeoutMs: 180_000 });
          return seenAt - started;
        } finally {
          await abandonAll(services.apiUrl, [session]);
        }
      } finally {
        await services.stop();
      }
    };
    for (let round = 1; round <= rounds; round += 1) {
      prebuilt.push(await firstReady('prebuilt', {}));
      bundledAtStart.push(await firstReady('bundled', { FL_WORKFLOW_BUNDLE: 'none' }));
      log(
        `round ${round}/${rounds}: prebuilt bundle ${Math.round(prebuilt.at(-1) ?? 0)} ms, bundled at start ${Math.round(bundledAtStart.at(-1) ?? 0)} ms`,
      );
    }
    return {
      params: { rounds, apiPollMs: 100 },
      metrics: [
        metric('first session: create → ready', 'ms', prebuilt, {
          baseline: { label: 'worker bundles at start', samples: bundledAtStart },
        }),
      ],
      notes: [
        'Each round starts a new worker and API process on a new task queue; the session is abandoned and both stopped before the next.',
      ],
    };
  },
};
