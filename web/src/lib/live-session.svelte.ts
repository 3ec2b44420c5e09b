// Keeps a session up to date in the browser: a WebSocket to the API (token as a subprotocol,
// resuming after the last event seen) with exponential backoff, and 2 s polling of the site's
// own /sessions/:id/state endpoint while the socket is down. Stops once the session has ended.
import { isTerminalPhase } from './phases.ts';
import type { LiveMessage, SessionDto, SessionEventDto } from './types.ts';

export type Connection = 'connecting' | 'live' | 'polling' | 'ended';

export interface LiveSessionOptions {
  /** Base URL of the API as seen from the browser (PUBLIC_API_URL). */
  apiUrl: string;
  /** The participant's own token, sent only as the `bearer.<token>` subprotocol. */
  token: string;
  /** Same-origin endpoint returning the SessionDto, used while the socket is down. */
  statePath: string;
  pollIntervalMs?: number;
}

const MAX_BACKOFF_MS = 30_000;
const BASE_BACKOFF_MS = 1_000;
const DEFAULT_POLL_MS = 2_000;

export function mergeEvents(current: SessionEventDto[], incoming: SessionEventDto[]): SessionEventDto[] {
  if (incoming.length === 0) return current;
  const byId = new Map(current.map((event) => [event.id, event]));
  for (const event of incoming) byId.set(event.id, event);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

export function eventsSocketUrl(apiUrl: string, sessionId: string, afterEventId: number): string {
  const url = new URL(`${apiUrl.replace(/\/+$/, '')}/api/sessions/${encodeURIComponent(sessionId)}/events`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('after', String(afterEventId));
  return url.href;
}

export class LiveSession {
  session: SessionDto;
  connection: Connection = $state('connecting');
  /** Date.now() when `session` last arrived: the timer ticks locally from here. */
  syncedAt = $state(Date.now());

  readonly #options: LiveSessionOptions;
  #socket: WebSocket | null = null;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  #polling = false;
  #stopped = false;

  constructor(initial: SessionDto, options: LiveSessionOptions) {
    this.session = $state.raw(initial);
    this.#options = options;
  }

  get lastEventId(): number {
    return this.session.events.at(-1)?.id ?? 0;
  }

  start(): void {
    this.#stopped = false;
    if (isTerminalPhase(this.session.phase)) {
      this.connection = 'ended';
      return;
    }
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    this.#stopPolling();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, 'page closed');
  }

  /** Apply a fresh SessionDto (from the socket, polling or a page reload). */
  apply(next: SessionDto): void {
    this.session = { ...next, events: mergeEvents(this.session.events, next.events) };
    this.syncedAt = Date.now();
    if (isTerminalPhase(next.phase)) this.#end();
  }

  #addEvent(event: SessionEventDto): void {
    this.session = { ...this.session, events: mergeEvents(this.session.events, [event]) };
  }

  #connect(): void {
    if (this.#stopped) return;
    if (this.connection !== 'polling') this.connection = 'connecting';

    let socket: WebSocket;
    try {
      socket = new WebSocket(eventsSocketUrl(this.#options.apiUrl, this.session.id, this.lastEventId), [
        'failurelib',
        `bearer.${this.#options.token}`,
      ]);
    } catch {
      // Bad URL or a token the browser refuses as a subprotocol: polling still works.
      this.#onDown();
      return;
    }

    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.connection = 'live';
      this.#stopPolling();
    };
    socket.onmessage = (message) => this.#onMessage(message.data);
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#onDown();
    };
  }

  #onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: LiveMessage;
    try {
      message = JSON.parse(data) as LiveMessage;
    } catch {
      return;
    }
    if (message.type === 'event' && message.event) this.#addEvent(message.event);
    else if (message.type === 'session' && message.session) this.apply(message.session);
  }

  #onDown(): void {
    if (this.#stopped) return;
    if (isTerminalPhase(this.session.phase)) {
      this.#end();
      return;
    }
    this.connection = 'polling';
    this.#startPolling();
    const delay = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** this.#attempt) * (0.75 + Math.random() * 0.5);
    this.#attempt += 1;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #end(): void {
    this.connection = 'ended';
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    this.#stopPolling();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, 'session ended');
  }

  #startPolling(): void {
    if (this.#polling) return;
    this.#polling = true;
    const tick = async () => {
      if (!this.#polling) return;
      try {
        const response = await fetch(this.#options.statePath, { headers: { accept: 'application/json' }, cache: 'no-store' });
        if (response.ok && this.#polling) this.apply((await response.json()) as SessionDto);
      } catch {
        // Offline or the site is restarting: try again on the next tick.
      }
      if (this.#polling) this.#pollTimer = setTimeout(tick, this.#options.pollIntervalMs ?? DEFAULT_POLL_MS);
    };
    this.#pollTimer = setTimeout(tick, 0);
  }

  #stopPolling(): void {
    this.#polling = false;
    clearTimeout(this.#pollTimer);
  }
}
