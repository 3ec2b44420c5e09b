// One poller per API process feeds every live event stream: each tick reads the newest events of all
// sessions once and the rows of the sessions someone watches, then fans them out. The database load does
// not grow with the number of connected browsers, and it works on PGlite, where NOTIFY does not cross
// connections.
import { asc, gt, inArray, max } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { sessionEvents, sessions, type SessionEventRow, type SessionRow } from '../../db/schema.ts';
import { eventsAfter, findSession } from '../auth/session-access.ts';

export interface Subscriber {
  onEvent(event: SessionEventRow): void;
  onSession(row: SessionRow): void;
}

/** Ids are assigned at insert but become visible at commit; re-reading a few lets a late commit through. */
const LOOKBACK_IDS = 50;
const BATCH = 1000;

interface Watch {
  subscriber: Subscriber;
  sent: Set<number>;
  floor: number;
  newest: number;
  lastState: string;
}

export class EventHub {
  readonly #db: Database;
  readonly #intervalMs: number;
  readonly #watches = new Map<string, Set<Watch>>();
  #cursor = 0;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #onError: (error: unknown) => void;

  constructor(db: Database, { intervalMs = 100, onError = () => {} }: { intervalMs?: number; onError?: (error: unknown) => void } = {}) {
    this.#db = db;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
  }

  /** Sends the session's events after `afterId`, then every new one as it is written, each exactly once. */
  async subscribe(sessionId: string, afterId: number, subscriber: Subscriber): Promise<() => void> {
    const watch: Watch = { subscriber, sent: new Set(), floor: afterId, newest: afterId, lastState: '' };
    let set = this.#watches.get(sessionId);
    if (!set) this.#watches.set(sessionId, (set = new Set()));
    set.add(watch);
    this.#start();
    // Catch up from the client's own position; the live feed skips what this already sent.
    for (;;) {
      const page = await eventsAfter(this.#db, sessionId, watch.newest, BATCH);
      for (const event of page) this.#deliver(watch, event);
      if (page.length < BATCH) break;
    }
    const row = await findSession(this.#db, sessionId);
    if (row) this.#deliverSession(watch, row);
    return () => {
      set.delete(watch);
      if (set.size === 0) this.#watches.delete(sessionId);
      if (this.#watches.size === 0) this.#stop();
    };
  }

  close(): void {
    this.#watches.clear();
    this.#stop();
  }

  #start(): void {
    this.#timer ??= setInterval(() => void this.#tick(), this.#intervalMs);
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #tick(): Promise<void> {
    if (this.#busy || this.#watches.size === 0) return;
    this.#busy = true;
    try {
      if (this.#cursor === 0) {
        // Start from the newest event: subscribers catch up on older ones themselves.
        const [newest] = await this.#db.select({ id: max(sessionEvents.id) }).from(sessionEvents);
        this.#cursor = newest?.id ?? 0;
      }
      const ids = [...this.#watches.keys()];
      const [events, rows] = await Promise.all([
        this.#db
          .select()
          .from(sessionEvents)
          .where(gt(sessionEvents.id, Math.max(0, this.#cursor - LOOKBACK_IDS)))
          .orderBy(asc(sessionEvents.id))
          .limit(BATCH),
        this.#db.select().from(sessions).where(inArray(sessions.id, ids)),
      ]);
      for (const event of events) {
        this.#cursor = Math.max(this.#cursor, event.id);
        for (const watch of this.#watches.get(event.sessionId) ?? []) this.#deliver(watch, event);
      }
      for (const row of rows) for (const watch of this.#watches.get(row.id) ?? []) this.#deliverSession(watch, row);
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#busy = false;
    }
  }

  #deliver(watch: Watch, event: SessionEventRow): void {
    // Below the floor everything was either sent or is older than the client's own resume point.
    if (event.id <= watch.floor || watch.sent.has(event.id)) return;
    watch.sent.add(event.id);
    watch.newest = Math.max(watch.newest, event.id);
    if (watch.sent.size > 4 * LOOKBACK_IDS) {
      watch.floor = Math.max(watch.floor, watch.newest - 2 * LOOKBACK_IDS);
      for (const id of watch.sent) if (id <= watch.floor) watch.sent.delete(id);
    }
    watch.subscriber.onEvent(event);
  }

  #deliverSession(watch: Watch, row: SessionRow): void {
    const state = `${row.phase}|${row.slaStatus}|${row.hintsUsed}|${row.repairedAt?.getTime() ?? ''}`;
    if (state === watch.lastState) return;
    watch.lastState = state;
    watch.subscriber.onSession(row);
  }
}
