// What every response of the website needs to be safe in any tab: refusing cross-origin writes (SvelteKit checks
// origins only in a production build, and the stack serves the dev server) and headers against framing and sniffing.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * True for a write (any method but GET, HEAD, OPTIONS) that a page of another origin sent: its Origin header
 * names another origin (or "null"), or, without one, Sec-Fetch-Site says it is not the site's own. Another
 * port on the same host is another origin, though the same site for cookies: SameSite alone does not stop it.
 * Requests with neither header come from no browser (curl, tests) and cannot ride on a visitor's cookies.
 */
export function isCrossOriginWrite(request: Request, selfOrigin: string): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const origin = request.headers.get('origin');
  if (origin !== null) return origin !== selfOrigin;
  const site = request.headers.get('sec-fetch-site');
  return site !== null && site !== 'same-origin' && site !== 'none';
}

/** Sent with every page and endpoint; the Content-Security-Policy (with its nonces) comes from SvelteKit's `csp` option. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** The response with the security headers added; a response whose headers are immutable (a passed-on fetch) is copied. */
export function withSecurityHeaders(response: Response): Response {
  let target = response;
  try {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!target.headers.has(name)) target.headers.set(name, value);
  } catch {
    target = new Response(response.body, response);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!target.headers.has(name)) target.headers.set(name, value);
  }
  return target;
}

/**
 * The Content-Security-Policy with the API added to connect-src (http(s) and ws(s) of its host), where the browser
 * opens the live session's WebSocket. Added per response rather than in the `csp` option, which a build freezes:
 * one build then serves any API address (PUBLIC_API_URL is read when the server starts).
 */
export function withApiConnectSources(policy: string, apiUrl: string): string {
  const api = new URL(apiUrl);
  const secure = api.protocol === 'https:';
  const sources = [`${secure ? 'https' : 'http'}://${api.host}`, `${secure ? 'wss' : 'ws'}://${api.host}`];
  return policy
    .split(';')
    .map((directive) => {
      const [name, ...values] = directive.trim().split(/\s+/);
      if (name !== 'connect-src') return directive;
      return ` ${[name, ...values, ...sources.filter((source) => !values.includes(source))].join(' ')}`;
    })
    .join(';')
    .trim();
}
