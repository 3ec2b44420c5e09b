// The participant token lives in an httpOnly cookie per session; it never reaches logs or markup.
import { error, type Cookies } from '@sveltejs/kit';

const ONE_DAY_SECONDS = 24 * 60 * 60;

/** `fl_token_<sessionId>`, with anything that is not a cookie-name character replaced. */
export function tokenCookieName(sessionId: string): string {
  return `fl_token_${sessionId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export function storeToken(cookies: Cookies, url: URL, sessionId: string, token: string): void {
  cookies.set(tokenCookieName(sessionId), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    // Secure whenever the site is served over TLS; plain http on a laptop or venue LAN still works.
    secure: url.protocol === 'https:',
    maxAge: ONE_DAY_SECONDS,
  });
}

export function readToken(cookies: Cookies, sessionId: string): string | undefined {
  return cookies.get(tokenCookieName(sessionId)) || undefined;
}

/** The token, or a 401 page explaining that the session belongs to another browser. */
export function requireToken(cookies: Cookies, sessionId: string): string {
  const token = readToken(cookies, sessionId);
  if (!token) {
    error(401, 'This session was started in another browser (or its cookie expired). Start a new session from the catalog.', {
      code: 'no_participant_token',
    });
  }
  return token;
}
