// Deterministic travel offers: the same query always gets the same flights, hotels and prices.
import { createHash } from 'node:crypto';

/** A number in [0, 1) from the text: stable across replicas and restarts. */
export function stableFraction(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;
}

export const CITIES = ['LIS', 'BER', 'NYC', 'TYO', 'SYD', 'CPT', 'SFO', 'PAR'];
