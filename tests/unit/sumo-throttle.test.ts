// Sumo's limits: at most 4 request starts per second and 10 in flight per key, with backoff on 429.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { backoffMs, Throttle } from '../../activities/sla/sumo/throttle.ts';

describe('Throttle', () => {
  it('never starts more than 4 requests in any second', async () => {
    const throttle = new Throttle(4, 10);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 9 }, () =>
        throttle.run(async () => {
          starts.push(Date.now());
        }),
      ),
    );
    for (let i = 4; i < starts.length; i += 1) expect(starts[i]! - starts[i - 4]!).toBeGreaterThanOrEqual(995);
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(1990);
  });

  it('keeps at most 10 in flight', async () => {
    const throttle = new Throttle(1000, 10);
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 30 }, () =>
        throttle.run(async () => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          await sleep(30);
          inFlight -= 1;
        }),
      ),
    );
    expect(most).toBe(10);
  });

  it('holds every start back after a pause (a 429)', async () => {
    const throttle = new Throttle(100, 10);
    const before = Date.now();
    throttle.pause(300);
    await throttle.run(async () => {});
    expect(Date.now() - before).toBeGreaterThanOrEqual(295);
  });

  it('backs off with jitter under a cap, or as the server says', () => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const wait = backoffMs(attempt, null, 250, 8000);
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(Math.min(8000, 250 * 2 ** attempt));
    }
    expect(backoffMs(3, '2')).toBe(2000);
  });
});

describe('Throttle with slow requests', () => {
  it('starts a request only a second after the one perSecond places back finished, so arrivals never bunch', async () => {
    const throttle = new Throttle(2, 10);
    const spans: { start: number; end: number }[] = [];
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        throttle.run(async () => {
          const start = Date.now();
          await sleep(i === 0 ? 300 : 10); // the first request is slow (e.g. a new TLS connection)
          spans[i] = { start, end: Date.now() };
        }),
      ),
    );
    expect(spans[2]!.start - spans[0]!.end).toBeGreaterThanOrEqual(995);
    expect(spans[3]!.start - spans[1]!.end).toBeGreaterThanOrEqual(995);
  });
});
