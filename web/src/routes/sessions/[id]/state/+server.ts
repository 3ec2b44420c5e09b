// The session's current state as JSON, for the page's polling fallback while the WebSocket is down.
import type { RequestHandler } from './$types';
import { api } from '#lib/server/api.ts';
import { sessionJson } from '#lib/server/session-json.ts';

export const GET: RequestHandler = async ({ params, cookies, fetch }) =>
  sessionJson(cookies, params.id, (token) => api(fetch).session(params.id, token));
