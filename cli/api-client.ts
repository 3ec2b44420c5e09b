// The CLI's calls to a running stack's API: one line saying what went wrong, never a stack trace.
import { UsageError } from './usage-error.ts';

export const DEFAULT_API = 'http://127.0.0.1:3000';

export type ApiCall = (method: string, path: string, token?: string, body?: unknown) => Promise<Response>;

/** A caller for the API at `api` (default the local stack); a failed or refused call throws with its status and body. */
export function apiClient(api = DEFAULT_API): { base: string; call: ApiCall } {
  const base = api.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(base)) throw new UsageError(`--api must be an http(s) URL, not "${api}"`);
  const call: ApiCall = async (method, path, token, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).catch((error: Error) => {
      const cause = (error.cause as Error | undefined)?.message;
      throw new Error(`cannot reach the API at ${base}: ${cause ?? error.message} (is the stack running? npm run stack)`);
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${(await response.text()).slice(0, 500)}`);
    return response;
  };
  return { base, call };
}
