// The session's current state as JSON, for the page's polling fallback while the WebSocket is down.
import type { RequestHandler } from './$types';
import { api, ApiError } from '#lib/server/api.ts';
import { readToken } from '#lib/server/session-token.ts';

const NO_STORE = { 'cache-control': 'no-store' };

export const GET: RequestHandler = async ({ params, cookies, fetch }) => {
  const token = readToken(cookies, params.id);
  if (!token) {
    return Response.json(
      { error: { code: 'no_participant_token', message: 'No participant token for this session in this browser.' } },
      { status: 401, headers: NO_STORE },
    );
  }

  try {
    return Response.json(await api(fetch).session(params.id, token), { headers: NO_STORE });
  } catch (cause) {
    if (!(cause instanceof ApiError)) throw cause;
    const { code, message, status } = cause.toFailure();
    return Response.json({ error: { code, message } }, { status, headers: NO_STORE });
  }
};
