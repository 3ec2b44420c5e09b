// Runs around every request of the website, in the dev server and a production build alike.
import type { Handle } from '@sveltejs/kit/hooks';
import { isCrossOriginWrite, withSecurityHeaders } from '#lib/server/security.ts';

export const handle: Handle = async ({ event, resolve }) => {
  if (isCrossOriginWrite(event.request, event.url.origin)) {
    // A page on another origin (another port of this host too) must not act with this visitor's cookies.
    return withSecurityHeaders(new Response('Cross-origin form submissions are forbidden.', { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
  }
  return withSecurityHeaders(await resolve(event));
};
