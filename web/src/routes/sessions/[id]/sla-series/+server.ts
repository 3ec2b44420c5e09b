// The session's SLIs over time as JSON, polled by the live SLA charts.
import type { RequestHandler } from './$types';
import { api } from '#lib/server/api.ts';
import { sessionJson } from '#lib/server/session-json.ts';

export const GET: RequestHandler = async ({ params, cookies, fetch }) =>
  sessionJson(cookies, params.id, (token) => api(fetch).slaSeries(params.id, token));
