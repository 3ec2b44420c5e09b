// Simulated participants call the API from their own loopback addresses (the API rate-limits session
// creation per address): every participant of a 200-session run needs a distinct, valid 127/8 address.
import { describe, expect, it } from 'vitest';
import { sourceAddress } from '../../bench/lib/http-client.ts';

describe('sourceAddress', () => {
  it('gives each of a thousand participants its own loopback address, never .0 or .255', () => {
    const addresses = Array.from({ length: 1000 }, (_, index) => sourceAddress(index));
    expect(new Set(addresses).size).toBe(1000);
    for (const address of addresses) {
      expect(address).toMatch(/^127\.0\.\d{1,3}\.\d{1,3}$/);
      const [, , third, fourth] = address.split('.').map(Number);
      expect(third).toBeGreaterThanOrEqual(1);
      expect(third).toBeLessThanOrEqual(254);
      expect(fourth).toBeGreaterThanOrEqual(1);
      expect(fourth).toBeLessThanOrEqual(254);
    }
  });
});
