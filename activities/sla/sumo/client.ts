// A thin typed client for the parts of the Sumo Logic API the Failure Library uses: Basic auth, one cookie
// jar and one throttle per deployment + key, 429 backoff, both error shapes, 301 as a config error.
import { setTimeout as sleep } from 'node:timers/promises';
import { CookieJar } from './cookies.ts';
import { parseSumoError, SumoApiError, SumoDeploymentError } from './errors.ts';
import { backoffMs, throttleFor, type Throttle } from './throttle.ts';

export interface SumoCredentials {
  /** e.g. https://api.sumologic.com/api/ */
  apiUrl: string;
  accessId: string;
  accessKey: string;
}

export interface SumoRequestStats {
  requests: number;
  throttled429: number;
}

export interface ClientOptions {
  /** Attempts on 429 before giving up. */
  maxAttempts?: number;
  requestTimeoutMs?: number;
  throttle?: Throttle;
}

const jars = new Map<string, CookieJar>();

export class SumoClient {
  readonly apiUrl: string;
  readonly stats: SumoRequestStats = { requests: 0, throttled429: 0 };
  private readonly authorization: string;
  private readonly jar: CookieJar;
  private readonly throttle: Throttle;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;

  constructor(credentials: SumoCredentials, options: ClientOptions = {}) {
    this.apiUrl = credentials.apiUrl.endsWith('/') ? credentials.apiUrl : `${credentials.apiUrl}/`;
    this.authorization = `Basic ${Buffer.from(`${credentials.accessId}:${credentials.accessKey}`).toString('base64')}`;
    const key = `${this.apiUrl}|${credentials.accessId}`;
    this.jar = jars.get(key) ?? new CookieJar();
    jars.set(key, this.jar);
    this.throttle = options.throttle ?? throttleFor(key);
    this.maxAttempts = options.maxAttempts ?? 6;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /**
   * One API call; `path` is relative to the API base (e.g. `v1/search/jobs`). Returns the parsed body and
   * headers. `jar`: a search job's own cookies (see `forkJar`); default the shared jar of this key.
   */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    jar: CookieJar = this.jar,
  ): Promise<{ body: T; status: number; headers: Headers }> {
    for (let attempt = 0; ; attempt += 1) {
      const response = await this.throttle.run(() => this.send(method, path, body, jar));
      if (response.status === 429 && attempt + 1 < this.maxAttempts) {
        this.stats.throttled429 += 1;
        const wait = backoffMs(attempt, response.headers.get('retry-after'));
        this.throttle.pause(wait);
        await response.arrayBuffer();
        await sleep(wait);
        continue;
      }
      const text = await response.text();
      if (response.status >= 300 && response.status < 400)
        throw new SumoDeploymentError(this.apiUrl, response.headers.get('location') ?? undefined);
      if (response.status >= 400) throw parseSumoError(response.status, text);
      return { body: (text ? JSON.parse(text) : undefined) as T, status: response.status, headers: response.headers };
    }
  }

  /** Cookies for one search job: concurrent jobs must not replay each other's routing cookies. */
  forkJar(): CookieJar {
    return this.jar.fork();
  }

  private async send(method: string, path: string, body: unknown, jar: CookieJar): Promise<Response> {
    this.stats.requests += 1;
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json' };
    const cookie = jar.header();
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(path, this.apiUrl), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    jar.store(response.headers);
    return response;
  }

  /** DELETE that also accepts "already gone": cleanup must be safe to repeat. */
  async remove(path: string, jar?: CookieJar): Promise<void> {
    try {
      await this.request('DELETE', path, undefined, jar);
    } catch (error) {
      if (!(error instanceof SumoApiError && error.status === 404)) throw error;
    }
  }
}

/** Sumo sends every aggregate value as a string: numbers become numbers, the rest stays text. */
export function coerceRecord(map: Record<string, string>): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(map).map(([key, value]) => {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      return [key, Number.isFinite(number) ? number : value];
    }),
  );
}
