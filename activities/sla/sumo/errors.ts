// Sumo Logic's two error shapes, read into one error type; a 301 (wrong deployment) is a config error.

export class SumoApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId?: string;
  constructor(status: number, code: string, message: string, requestId?: string) {
    super(`Sumo Logic ${status} ${code}: ${message}`);
    this.name = 'SumoApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

/** The API base points at another deployment than the access key's: Sumo answers 301 to the right one. */
export class SumoDeploymentError extends Error {
  readonly location?: string;
  constructor(apiUrl: string, location: string | undefined) {
    super(
      `SUMO_API_URL ${apiUrl} is not this access key's deployment${location ? `: Sumo Logic redirects to ${suggestedBase(apiUrl, location)} — set SUMO_API_URL to that` : ''}`,
    );
    this.name = 'SumoDeploymentError';
    this.location = location;
  }
}

function suggestedBase(apiUrl: string, location: string): string {
  try {
    return `${new URL(location, apiUrl).origin}/api/`;
  } catch {
    return location;
  }
}

/** A search job Sumo no longer knows (cancelled after ~20–30 s without polls, or deleted). */
export class SumoJobExpiredError extends SumoApiError {}

/**
 * Flat `{status, id, code, message}` (search jobs, v1) or `{id, errors: [{code, message, detail?}]}`
 * (management APIs); anything else (HTML from a proxy, empty body) still gives a usable error.
 */
export function parseSumoError(status: number, body: string): SumoApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return new SumoApiError(status, `http.${status}`, body.slice(0, 200) || 'no response body');
  }
  const object = (parsed ?? {}) as { id?: unknown; code?: unknown; message?: unknown; errors?: unknown };
  const id = typeof object.id === 'string' ? object.id : undefined;
  if (Array.isArray(object.errors) && object.errors.length > 0) {
    const errors = object.errors as { code?: unknown; message?: unknown; detail?: unknown }[];
    const code = String(errors[0]?.code ?? `http.${status}`);
    const message = errors.map((e) => [e.message, e.detail].filter((part) => typeof part === 'string' && part).join(' — ')).join('; ');
    return new SumoApiError(status, code, message || 'error', id);
  }
  const code = typeof object.code === 'string' ? object.code : `http.${status}`;
  const message = typeof object.message === 'string' ? object.message : JSON.stringify(parsed).slice(0, 200);
  return new SumoApiError(status, code, message, id);
}
