// A map whose entries go once nobody has used them for a while. Long-running processes (the API serves
// sessions for days) keep per-session clients, connections and credentials; once a session is over
// nothing asks for its entry again, and it must not stay for the life of the process.
export class IdleCache<V> {
  readonly #entries = new Map<string, { value: V; usedAt: number }>();
  readonly #idleMs: number;
  readonly #onEvict: (value: V) => void;
  readonly #now: () => number;
  #sweptAt = Number.NEGATIVE_INFINITY;

  /** `onEvict` releases what an entry holds (sockets); `now` is the clock (tests turn it). */
  constructor(idleMs: number, onEvict: (value: V) => void = () => {}, now: () => number = Date.now) {
    this.#idleMs = idleMs;
    this.#onEvict = onEvict;
    this.#now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value, counted as a use. Entries idle too long are dropped first. */
  get(key: string): V | undefined {
    this.#sweep();
    const entry = this.#entries.get(key);
    if (entry) entry.usedAt = this.#now();
    return entry?.value;
  }

  set(key: string, value: V): void {
    this.#sweep();
    const previous = this.#entries.get(key);
    this.#entries.set(key, { value, usedAt: this.#now() });
    if (previous && previous.value !== value) this.#onEvict(previous.value);
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#onEvict(entry.value);
  }

  /** Deletes only if the key still holds this value (a failed attempt must not remove its replacement). */
  deleteIf(key: string, value: V): void {
    if (this.#entries.get(key)?.value === value) this.delete(key);
  }

  /** At most ten times per idle period: lookups sit on the gateway's per-request path. */
  #sweep(): void {
    const now = this.#now();
    if (now - this.#sweptAt < this.#idleMs / 10) return;
    this.#sweptAt = now;
    const cutoff = now - this.#idleMs;
    for (const [key, entry] of this.#entries) if (entry.usedAt < cutoff) this.delete(key);
  }
}
