// Failed token checks are rate-limited per client address: a small token bucket per address that each failure
// takes from and time refills. Once empty, the address's failed checks are answered 429 instead of 401 until it
// refills. Successful checks take nothing.

export interface AuthThrottle {
  /** True while the address may try again. */
  allows(address: string): boolean;
  /** Counts one failed check for the address. */
  failed(address: string): void;
  /** Seconds until the address may try again (for Retry-After). */
  retryAfterSeconds(address: string): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createAuthThrottle({
  failuresPerMinute = 20,
  now = () => Date.now(),
}: { failuresPerMinute?: number; now?: () => number } = {}): AuthThrottle {
  const buckets = new Map<string, Bucket>();
  const refillPerMs = failuresPerMinute / 60_000;

  function current(address: string): Bucket {
    const time = now();
    const bucket = buckets.get(address) ?? { tokens: failuresPerMinute, at: time };
    bucket.tokens = Math.min(failuresPerMinute, bucket.tokens + (time - bucket.at) * refillPerMs);
    bucket.at = time;
    return bucket;
  }

  return {
    allows: (address) => !buckets.has(address) || current(address).tokens >= 1,
    failed(address) {
      const bucket = current(address);
      bucket.tokens = Math.max(0, bucket.tokens - 1);
      buckets.set(address, bucket);
      // Full buckets carry no information: forget them so the map only holds recent offenders.
      if (buckets.size > 10_000) {
        for (const key of [...buckets.keys()]) if (current(key).tokens >= failuresPerMinute) buckets.delete(key);
      }
    },
    retryAfterSeconds: (address) => Math.max(1, Math.ceil((1 - current(address).tokens) / refillPerMs / 1000)),
  };
}
