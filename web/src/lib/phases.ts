// The session lifecycle as the website presents it: labels and descriptions of the phases defined in domain/.
import { isMode, type Mode, type Phase } from '../../../domain/session-terms.ts';

export { HAPPY_PATH, isExitPhase, isTerminalPhase, type ExitPhase } from '../../../domain/session-terms.ts';

/** Phases in which the participant's clock runs. */
export function isClockRunning(phase: Phase): boolean {
  return phase === 'injecting' || phase === 'running';
}

export const PHASE_LABELS: Record<Phase, string> = {
  provisioning: 'Provisioning',
  ready: 'Ready',
  injecting: 'Injecting fault',
  running: 'Running',
  repaired: 'Repaired',
  scoring: 'Scoring',
  completed: 'Completed',
  abandoned: 'Abandoned',
  timed_out: 'Timed out',
  failed: 'Failed',
};

export const PHASE_DESCRIPTIONS: Record<Phase, string> = {
  provisioning: 'Creating your sandbox cluster, deploying the system and wiring monitoring.',
  ready: 'Your cluster is up and the SLA is green. Download the kubeconfig, then press Start.',
  injecting: 'The fault is being injected. Get your terminal ready.',
  running: 'Something is broken and the SLA is red. Find it and fix it.',
  repaired: 'The SLA is green again and held. Recording closed.',
  scoring: 'Computing your score.',
  completed: 'Done. Your result and replay are ready.',
  abandoned: 'You gave up on this session. The sandbox is being torn down.',
  timed_out: 'The time box ran out before the SLA was repaired. The sandbox is being torn down.',
  failed: 'The sandbox could not be prepared or the fault could not be injected. This is on us, not you.',
};

export function parseMode(raw: string | null | undefined): Mode {
  return isMode(raw) ? raw : 'learn';
}
