// The SLA light's hysteresis, pure: red at once, green only after fresh green data held for the hold time.
import type { SlaStatus } from './types.ts';

export interface SlaMachineState {
  /** What is reported: starts unknown, never green by default. */
  status: SlaStatus;
  /** Last moment (epoch ms) something was not green: a green sample must be newer to count. */
  badAt?: number;
  /** Sample time of the first fresh green of the current green run. */
  greenSince?: number;
}

export interface Observation {
  status: SlaStatus;
  /** When the data was measured (for lagging sources, earlier than observedAt). */
  sampledAt: number;
  /** When the provider answered. */
  observedAt: number;
}

export interface Step {
  state: SlaMachineState;
  /** Set when the reported status changed with this observation. */
  changed: boolean;
}

export const INITIAL_STATE: SlaMachineState = { status: 'unknown' };

/**
 * One observation in, the next state out. `holdMs` is how long green must hold, measured on sample
 * times, before it is reported (0: the first fresh green). A green sample taken before the last red or
 * unknown (`badAt`) is stale (e.g. ingest lag) and ignored.
 */
export function step(state: SlaMachineState, observation: Observation, holdMs: number): Step {
  const next = advance(state, observation, holdMs);
  return { state: next, changed: next.status !== state.status };
}

function advance(state: SlaMachineState, { status, sampledAt, observedAt }: Observation, holdMs: number): SlaMachineState {
  if (status !== 'green') {
    return { status, badAt: Math.max(state.badAt ?? 0, observedAt), greenSince: undefined };
  }
  if (state.badAt !== undefined && sampledAt <= state.badAt) return state;
  const greenSince = state.greenSince ?? sampledAt;
  const held = sampledAt - greenSince >= holdMs;
  return { ...state, greenSince, status: held ? 'green' : state.status };
}

/** Holding: green seen on fresh data but not yet for the hold time. */
export function isHolding(state: SlaMachineState): boolean {
  return state.status !== 'green' && state.greenSince !== undefined;
}
