// Runs around every request of the website, in the dev server and a production build alike.
import type { Handle } from '@sveltejs/kit/hooks';
import { PUBLIC_API_URL } from '$app/env/public';
import { isCrossOriginWrite, withApiConnectSources, withSecurityHeaders } from '#lib/server/security.ts';

export const handle: Handle = async ({ event, resolve }) => {
  if (isCrossOriginWrite(event.request, event.url.origin)) {
    // A page on another origin (another port of this host too) must not act with this visitor's cookies.
    return withSecurityHeaders(
      new Response('Cross-origin form submissions are forbidden.', {
        status: 403,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      }),
    );
  }
  const response = withSecurityHeaders(await resolve(event));
  const policy = response.headers.get('content-security-policy');
  if (policy !== null) response.headers.set('content-security-policy', withApiConnectSources(policy, PUBLIC_API_URL));
  return response;
};
