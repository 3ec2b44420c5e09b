// Per-session clients, tokens and connections in the long-running API and worker go once their session stops
// using them, and release what they hold; entries still in use stay.
import { describe, expect, it } from 'vitest';
import { IdleCache } from '../../cluster/idle-cache.ts';

function clockAt(start: number) {
  const clock = {
    now: start,
    turn: (ms: number) => {
      clock.now += ms;
    },
  };
  return clock;
}

describe('IdleCache', () => {
  it('drops entries nobody used for the idle time and releases them; used ones stay', () => {
    const clock = clockAt(0);
    const released: string[] = [];
    const cache = new IdleCache<string>(
      1000,
      (value) => released.push(value),
      () => clock.now,
    );
    cache.set('ended-session', 'socket A');
    cache.set('live-session', 'socket B');
    clock.turn(600);
    expect(cache.get('live-session')).toBe('socket B');
    clock.turn(600);
    expect(cache.get('ended-session')).toBeUndefined();
    expect(cache.get('live-session')).toBe('socket B');
    expect(released).toEqual(['socket A']);
    expect(cache.size).toBe(1);
  });

  it('a replaced value is released; deleteIf leaves a newer value alone', () => {
    const released: string[] = [];
    const cache = new IdleCache<string>(
      1000,
      (value) => released.push(value),
      () => 0,
    );
    cache.set('s', 'first attempt');
    cache.set('s', 'second attempt');
    cache.deleteIf('s', 'first attempt');
    expect(cache.get('s')).toBe('second attempt');
    cache.deleteIf('s', 'second attempt');
    expect(cache.get('s')).toBeUndefined();
    expect(released).toEqual(['first attempt', 'second attempt']);
  });
});
