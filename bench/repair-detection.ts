// Repair detection latency: the fix (`kubectl scale deployment/storefront --replicas=2` with the participant
// kubeconfig) → the session reports repaired, minus the hold time the SLA must stay green. Baseline: the
// same fix on a directly deployed sandbox, timed until its SLA objectives read green when polled directly.
import { applyFault } from '../activities/faults/apply-fault.ts';
import { kubectl } from '../tests/support/session-client.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { deployDirect, removeDirect, waitForSla } from './lib/direct-sandbox.ts';
import { metric } from './lib/result.ts';
import { TERMINAL_PHASES } from '../domain/session-terms.ts';
import { abandonAll, createSession, downloadKubeconfig, startSession, waitForPhase } from './lib/sessions.ts';
import { startServices } from './lib/stack.ts';

const HOLD_SECONDS = 2;
const FIX = ['scale', 'deployment/storefront', '--replicas=2'];
const REPAIRED = ['repaired', 'scoring', 'completed'];

export const benchmark: Benchmark = {
  name: 'repair-detection',
  title: 'Repair detection latency',
  description:
    `Sessions of \`storefront-scaled-to-zero\` one at a time: once the session is \`running\` (fault injected, SLA red), ` +
    `the fix \`kubectl ${FIX.join(' ')}\` runs with the participant kubeconfig. Timed from kubectl's return until \`GET /api/sessions/:id\` ` +
    `(polled every 100 ms) reports the session repaired, minus the hold time (FL_HOLD_SECONDS=${HOLD_SECONDS}); SLA poll FL_SLA_POLL_SECONDS ` +
    'at its default (2 s). Also shown: the same from the repairedAt the engine recorded. Baseline, interleaved: the same fault and ' +
    'fix on a sandbox deployed directly, timed until its SLA objectives read green, polled every 100 ms.',
  async run({ quick, infra, kube, library, workDir, log }) {
    const rounds = quick ? 3 : 20;
    const services = await startServices(infra, 'repair-detection', { FL_HOLD_SECONDS: String(HOLD_SECONDS) });
    const fault = library.scenarios
      .get('storefront-scaled-to-zero')
      ?.spec.steps.flatMap((step) => ('fault' in step ? [step.fault] : []))[0];
    if (!fault) throw new Error('scenario storefront-scaled-to-zero has no fault step');
    const seen: number[] = [];
    const recorded: number[] = [];
    const direct: number[] = [];
    try {
      for (let round = 0; round < rounds; round += 1) {
        const session = await createSession(services.apiUrl, round);
        try {
          await waitForPhase(services.apiUrl, session, ['ready']);
          const kubeconfig = await downloadKubeconfig(services.apiUrl, session, workDir);
          await startSession(services.apiUrl, session);
          await waitForPhase(services.apiUrl, session, ['running']);
          const fixed = await kubectl(kubeconfig, FIX);
          const fixedAt = performance.now();
          const fixedWallClock = Date.now();
          if (!fixed.ok) throw new Error(`the fix failed: ${fixed.out}`);
          const { session: repaired, seenAt } = await waitForPhase(services.apiUrl, session, REPAIRED, { timeoutMs: 60_000 });
          seen.push(seenAt - fixedAt - HOLD_SECONDS * 1000);
          if (repaired.repairedAt) recorded.push(Date.parse(repaired.repairedAt) - fixedWallClock - HOLD_SECONDS * 1000);
          await waitForPhase(services.apiUrl, session, TERMINAL_PHASES, { timeoutMs: 60_000, intervalMs: 250 });
        } catch (error) {
          await abandonAll(services.apiUrl, [session]).catch(() => {});
          throw error;
        }

        const sandbox = await deployDirect(kube, library);
        try {
          await waitForSla(kube, library, sandbox.namespace, 'green');
          await applyFault(kube, sandbox.namespace, fault);
          await waitForSla(kube, library, sandbox.namespace, 'red');
          const fixed = await kubectl(infra.kubeconfig, [...FIX, '-n', sandbox.namespace]);
          const fixedAt = performance.now();
          if (!fixed.ok) throw new Error(`the direct fix failed: ${fixed.out}`);
          direct.push((await waitForSla(kube, library, sandbox.namespace, 'green')) - fixedAt);
        } finally {
          await removeDirect(kube, sandbox);
        }
        log(
          `round ${round + 1}/${rounds}: engine ${Math.round(seen.at(-1) ?? 0)} ms after the hold, direct ${Math.round(direct.at(-1) ?? 0)} ms`,
        );
      }
    } finally {
      await services.stop();
    }
    return {
      params: { sessions: rounds, holdSeconds: HOLD_SECONDS, slaPollSeconds: 2, apiPollMs: 100 },
      metrics: [
        metric('fix → repaired seen on the API, minus hold', 'ms', seen, {
          baseline: { label: 'direct SLA poll', samples: direct },
          goal: { stat: 'p95', max: 5000 },
        }),
        metric('fix → repairedAt recorded, minus hold', 'ms', recorded),
      ],
      notes: [
        'Each session completes on its own (repaired → scoring → completed) and tears its sandbox down before the next round.',
        'repairedAt is stamped when the workflow enters `repaired`, i.e. after the hold; a negative value would mean the engine saw green before kubectl returned.',
      ],
    };
  },
};
