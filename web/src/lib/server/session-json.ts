// A session's API data as JSON for the page's own scripts (polling), with the token kept in its httpOnly cookie:
// no token is a 401, an API failure keeps its status and message, nothing is cached.
import type { Cookies } from '@sveltejs/kit';
import { ApiError } from './api.ts';
import { readToken } from './session-token.ts';

const NO_STORE = { 'cache-control': 'no-store' };

export async function sessionJson(cookies: Cookies, sessionId: string, read: (token: string) => Promise<unknown>): Promise<Response> {
  const token = readToken(cookies, sessionId);
  if (!token) {
    return Response.json(
      { error: { code: 'no_participant_token', message: 'No participant token for this session in this browser.' } },
      { status: 401, headers: NO_STORE },
    );
  }

  try {
    return Response.json(await read(token), { headers: NO_STORE });
  } catch (cause) {
    if (!(cause instanceof ApiError)) throw cause;
    const { code, message, status } = cause.toFailure();
    return Response.json({ error: { code, message } }, { status, headers: NO_STORE });
  }
}
