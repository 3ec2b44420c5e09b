// The reviewer's token (FL_REVIEWER_TOKEN or the operator token) lives in an httpOnly cookie, never in markup.
import { redirect, type Cookies } from '@sveltejs/kit';

const COOKIE = 'fl_reviewer';

export function reviewerToken(cookies: Cookies): string | undefined {
  return cookies.get(COOKIE) || undefined;
}

export function requireReviewerToken(cookies: Cookies): string {
  const token = reviewerToken(cookies);
  if (!token) redirect(303, '/reports/review');
  return token;
}

export function setReviewerToken(cookies: Cookies, url: URL, token: string): void {
  cookies.set(COOKIE, token, { path: '/reports', httpOnly: true, sameSite: 'strict', secure: url.protocol === 'https:', maxAge: 8 * 3600 });
}

export function clearReviewerToken(cookies: Cookies): void {
  cookies.delete(COOKIE, { path: '/reports' });
}
