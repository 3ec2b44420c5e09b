// The website's own CSRF check (it must hold in the dev server, where SvelteKit skips its origin check) and the
// headers every response gets.
import { describe, expect, it } from 'vitest';
import { isCrossOriginWrite, withApiConnectSources, withSecurityHeaders } from '../../web/src/lib/server/security.ts';
import { siteSettings } from '../../web/production-server.ts';

const SITE = 'http://127.0.0.1:5173';
const request = (method: string, headers: Record<string, string> = {}) => new Request(`${SITE}/sessions/abc?/abandon`, { method, headers });

describe('isCrossOriginWrite', () => {
  it('refuses a write from another origin, another port of the same host included, and from an opaque origin', () => {
    for (const origin of ['http://127.0.0.1:8080', 'http://localhost:5173', 'https://127.0.0.1:5173', 'https://evil.example', 'null']) {
      expect(isCrossOriginWrite(request('POST', { origin }), SITE), origin).toBe(true);
    }
    expect(isCrossOriginWrite(request('DELETE', { origin: 'https://evil.example' }), SITE)).toBe(true);
  });

  it('refuses a write without Origin that the browser marks as cross-site or same-site', () => {
    expect(isCrossOriginWrite(request('POST', { 'sec-fetch-site': 'cross-site' }), SITE)).toBe(true);
    expect(isCrossOriginWrite(request('POST', { 'sec-fetch-site': 'same-site' }), SITE)).toBe(true);
  });

  it("lets the site's own forms, reads, and clients that are no browser through", () => {
    expect(isCrossOriginWrite(request('POST', { origin: SITE }), SITE)).toBe(false);
    expect(isCrossOriginWrite(request('POST', { 'sec-fetch-site': 'same-origin' }), SITE)).toBe(false);
    expect(isCrossOriginWrite(request('POST'), SITE)).toBe(false);
    expect(isCrossOriginWrite(request('GET', { origin: 'https://evil.example' }), SITE)).toBe(false);
  });
});

describe('withSecurityHeaders', () => {
  it('adds the headers, keeps ones already set, and copies a response whose headers are immutable', async () => {
    const page = withSecurityHeaders(new Response('<p>hi</p>', { headers: { 'referrer-policy': 'no-referrer' } }));
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const immutable = Response.redirect(`${SITE}/`, 303);
    const copied = withSecurityHeaders(immutable);
    expect(copied.status).toBe(303);
    expect(copied.headers.get('location')).toBe(`${SITE}/`);
    expect(copied.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('withApiConnectSources', () => {
  const policy = "default-src 'self'; connect-src 'self'; script-src 'self' 'nonce-abc'; frame-ancestors 'none'";

  it('lets the page reach the API it is configured with (HTTP and its WebSocket), nothing else', () => {
    expect(withApiConnectSources(policy, 'http://127.0.0.1:3999')).toBe(
      "default-src 'self'; connect-src 'self' http://127.0.0.1:3999 ws://127.0.0.1:3999; script-src 'self' 'nonce-abc'; frame-ancestors 'none'",
    );
    expect(withApiConnectSources(policy, 'https://api.booth.example/base/')).toContain(
      "connect-src 'self' https://api.booth.example wss://api.booth.example;",
    );
  });

  it('adds nothing twice and leaves a policy without connect-src alone', () => {
    const once = withApiConnectSources(policy, 'http://127.0.0.1:3999');
    expect(withApiConnectSources(once, 'http://127.0.0.1:3999')).toBe(once);
    expect(withApiConnectSources("default-src 'self'", 'http://127.0.0.1:3999')).toBe("default-src 'self'");
  });
});

describe("the built site's settings (web/production-server.ts)", () => {
  it('serves on loopback at WEB_PORT with the origin following the port unless WEB_ORIGIN says otherwise', () => {
    const local = siteSettings({ WEB_PORT: '4100' });
    expect([local.host, local.port, local.origin.origin]).toEqual(['127.0.0.1', 4100, 'http://127.0.0.1:4100']);
    const booth = siteSettings({ WEB_HOST: '0.0.0.0', WEB_PORT: '8080', WEB_ORIGIN: 'https://play.booth.example' });
    expect([booth.host, booth.port, booth.origin.origin]).toEqual(['0.0.0.0', 8080, 'https://play.booth.example']);
  });

  it('refuses an origin that is not one (a path, another scheme) and a port out of range', () => {
    expect(() => siteSettings({ WEB_ORIGIN: 'https://play.booth.example/site' })).toThrow(/origin only/);
    expect(() => siteSettings({ WEB_ORIGIN: 'ftp://play.booth.example' })).toThrow(/http\(s\)/);
    expect(() => siteSettings({ WEB_ORIGIN: 'play.booth.example' })).toThrow(/absolute URL/);
    expect(() => siteSettings({ WEB_PORT: '70000' })).toThrow(/WEB_PORT/);
  });
});
