// Typed client for the Failure Library API, used only by server loads, actions and endpoints.
// Every failure becomes an ApiError with a status, the API's error code and a message fit to show.
import { API_URL } from '$app/env/private';
import type {
  CreateSessionBody,
  CreatedSessionDto,
  EventDto,
  HealthDto,
  HintDto,
  LeaderboardRowDto,
  Mode,
  ResultDto,
  ScenarioSummaryDto,
  SessionDto,
  SlaSeriesDto,
  SystemDto,
  ApiFailure,
  ReportDto,
  ReportInputBody,
  ReportSummaryDto,
  ReviewBody,
} from '#lib/types.ts';

const TIMEOUT_MS = 10_000;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  /** The part that may be sent to the browser. */
  toFailure(): ApiFailure {
    return { status: this.status, code: this.code, message: this.message };
  }
}

type Fetch = typeof fetch;

interface RequestOptions {
  method?: 'GET' | 'POST';
  token?: string;
  body?: unknown;
  accept?: 'json' | 'text';
  headers?: Record<string, string>;
}

function errorFromBody(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') {
    return new ApiError(status, typeof error.code === 'string' ? error.code : 'error', error.message);
  }
  return new ApiError(status, 'http_error', `The API answered with status ${status}.`);
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function send(fetch: Fetch, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    accept: options.accept === 'text' ? 'application/yaml, text/plain, */*' : 'application/json',
    ...options.headers,
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';

  try {
    return await fetch(`${API_URL}${path}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
    console.error(`API ${options.method ?? 'GET'} ${path} failed:`, (cause as Error).message);
    throw timedOut
      ? new ApiError(504, 'api_timeout', 'The Failure Library API took too long to answer. Please try again in a moment.')
      : new ApiError(503, 'api_unavailable', 'The Failure Library API is not reachable right now. Please try again in a moment.');
  }
}

async function requestJson<T>(fetch: Fetch, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(fetch, path, options);
  const body = await readBody(response);
  if (!response.ok) throw errorFromBody(response.status, body);
  return body as T;
}

async function requestText(fetch: Fetch, path: string, options: RequestOptions): Promise<string> {
  const response = await send(fetch, path, { ...options, accept: 'text' });
  if (!response.ok) throw errorFromBody(response.status, await readBody(response));
  return response.text();
}

const report = (id: string, rest = '') => `/api/reports/${encodeURIComponent(id)}${rest}`;
const session = (id: string, rest = '') => `/api/sessions/${encodeURIComponent(id)}${rest}`;

/** The API, called with the request's `fetch` (from the load/action event). */
export function api(fetch: Fetch) {
  return {
    health: () => requestJson<HealthDto>(fetch, '/api/health'),
    systems: () => requestJson<SystemDto[]>(fetch, '/api/systems'),
    scenarios: (mode: Mode) => requestJson<ScenarioSummaryDto[]>(fetch, `/api/scenarios?mode=${mode}`),
    createSession: (body: CreateSessionBody) => requestJson<CreatedSessionDto>(fetch, '/api/sessions', { method: 'POST', body }),
    session: (id: string, token: string) => requestJson<SessionDto>(fetch, session(id), { token }),
    slaSeries: (id: string, token: string) => requestJson<SlaSeriesDto>(fetch, session(id, '/sla-series'), { token }),
    kubeconfig: (id: string, token: string) => requestText(fetch, session(id, '/kubeconfig'), { token }),
    start: (id: string, token: string) => requestJson<unknown>(fetch, session(id, '/start'), { method: 'POST', token, body: {} }),
    abandon: (id: string, token: string) => requestJson<unknown>(fetch, session(id, '/abandon'), { method: 'POST', token, body: {} }),
    hint: (id: string, token: string) => requestJson<HintDto>(fetch, session(id, '/hints'), { method: 'POST', token, body: {} }),
    result: (id: string, token: string) => requestJson<ResultDto>(fetch, session(id, '/result'), { token }),
    resultMarkdown: (id: string, token: string) => requestText(fetch, session(id, '/result.md'), { token }),
    event: (eventId: string) => requestJson<EventDto>(fetch, `/api/events/${encodeURIComponent(eventId)}`),
    reports: (query: { q?: string; tag?: string; status?: string }, token?: string) => {
      const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1])));
      return requestJson<ReportSummaryDto[]>(fetch, `/api/reports?${params}`, { token });
    },
    report: (id: string) => requestJson<ReportDto>(fetch, report(id)),
    fileReport: (key: string, body: ReportInputBody) =>
      requestJson<{ id: string; status: string }>(fetch, '/api/reports', { method: 'POST', body, headers: { 'idempotency-key': key } }),
    reviewReport: (id: string, body: ReviewBody, token: string) =>
      requestJson<ReportDto>(fetch, report(id, '/review'), { method: 'POST', body, token }),
    leaderboard: (eventId: string) => requestJson<LeaderboardRowDto[]>(fetch, `/api/events/${encodeURIComponent(eventId)}/leaderboard`),
  };
}

export type Api = ReturnType<typeof api>;
