// The SLA light's hysteresis: red at once, green only after fresh data held green, unknown never green.
import { describe, expect, it } from 'vitest';
import { INITIAL_STATE, isHolding, step, type Observation, type SlaMachineState } from '../../activities/sla/state-machine.ts';

/** Feeds observations [status, sampledAt, observedAt?] in order; returns each reported status. */
function run(observations: [Observation['status'], number, number?][], holdMs: number, from: SlaMachineState = INITIAL_STATE) {
  let state = from;
  return observations.map(([status, sampledAt, observedAt]) => {
    state = step(state, { status, sampledAt, observedAt: observedAt ?? sampledAt }, holdMs).state;
    return state.status;
  });
}

describe('SLA state machine', () => {
  it('starts unknown and turns red on the first breach, at once', () => {
    expect(INITIAL_STATE.status).toBe('unknown');
    expect(run([['red', 1000]], 30_000)).toEqual(['red']);
  });

  it('with no hold, the first fresh green is green', () => {
    expect(run([['green', 1000]], 0)).toEqual(['green']);
  });

  it('stays red while green has not held for the hold time, then turns green', () => {
    expect(
      run(
        [
          ['red', 0],
          ['green', 1000],
          ['green', 5000],
          ['green', 10_999],
          ['green', 11_000],
        ],
        10_000,
      ),
    ).toEqual(['red', 'red', 'red', 'red', 'green']);
  });

  it('a breach during the hold restarts it', () => {
    expect(
      run(
        [
          ['red', 0],
          ['green', 1000],
          ['green', 8000],
          ['red', 9000],
          ['green', 10_000],
          ['green', 19_000],
          ['green', 20_000],
        ],
        10_000,
      ),
    ).toEqual(['red', 'red', 'red', 'red', 'red', 'red', 'green']);
  });

  it('ignores green samples measured before the breach was seen (ingest lag)', () => {
    // Red observed at t=100s; a lagging source then returns a green sample taken at t=90s.
    const statuses = run(
      [
        ['red', 95_000, 100_000],
        ['green', 90_000, 102_000],
        ['green', 99_000, 104_000],
      ],
      0,
    );
    expect(statuses).toEqual(['red', 'red', 'red']);
    expect(
      run(
        [
          ['red', 95_000, 100_000],
          ['green', 100_001, 160_000],
        ],
        0,
      ),
    ).toEqual(['red', 'green']);
  });

  it('unknown is reported as unknown, interrupts a hold and is never green', () => {
    expect(
      run(
        [
          ['red', 0],
          ['green', 1000],
          ['unknown', 2000],
          ['green', 3000],
          ['green', 4000],
        ],
        2000,
      ),
    ).toEqual(['red', 'red', 'unknown', 'unknown', 'unknown']);
    expect(
      run(
        [
          ['unknown', 0],
          ['unknown', 60_000],
        ],
        0,
      ),
    ).toEqual(['unknown', 'unknown']);
  });

  it('green turns red on the next breach without any hold', () => {
    expect(
      run(
        [
          ['green', 0],
          ['red', 1000],
        ],
        60_000,
        { status: 'green', greenSince: -60_000 },
      ),
    ).toEqual(['green', 'red']);
  });

  it('reports a change only when the status changes, and says when it is holding', () => {
    const first = step(INITIAL_STATE, { status: 'red', sampledAt: 0, observedAt: 0 }, 5000);
    expect(first.changed).toBe(true);
    const again = step(first.state, { status: 'red', sampledAt: 1000, observedAt: 1000 }, 5000);
    expect(again.changed).toBe(false);
    const holding = step(again.state, { status: 'green', sampledAt: 2000, observedAt: 2000 }, 5000);
    expect(holding.changed).toBe(false);
    expect(isHolding(holding.state)).toBe(true);
    expect(holding.state.greenSince).toBe(2000);
  });
});
