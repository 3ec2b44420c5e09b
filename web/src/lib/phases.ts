// The session lifecycle as the website presents it. A copy of the API's PHASES (value imports
// from api/ are not allowed in the website); the type check below keeps the two in step.
import type { Mode, Phase } from './types.ts';

export const HAPPY_PATH = [
  'provisioning', 'ready', 'injecting', 'running', 'repaired', 'scoring', 'completed',
] as const satisfies readonly Phase[];

export const EXIT_PHASES = ['abandoned', 'timed_out', 'failed'] as const satisfies readonly Phase[];

export const PHASES: readonly Phase[] = [...HAPPY_PATH, ...EXIT_PHASES];

export type ExitPhase = (typeof EXIT_PHASES)[number];

// Fails to compile if the API adds a phase this file does not list.
const _allPhasesListed: Record<Exclude<Phase, (typeof HAPPY_PATH)[number] | ExitPhase>, never> = {};

export const TERMINAL_PHASES: readonly Phase[] = ['completed', ...EXIT_PHASES];

export function isTerminal(phase: Phase): boolean {
  return TERMINAL_PHASES.includes(phase);
}

export function isExit(phase: Phase): phase is ExitPhase {
  return (EXIT_PHASES as readonly Phase[]).includes(phase);
}

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

export const MODES: readonly Mode[] = ['learn', 'challenge'];

export function parseMode(raw: string | null | undefined): Mode {
  return raw === 'challenge' ? 'challenge' : 'learn';
}
