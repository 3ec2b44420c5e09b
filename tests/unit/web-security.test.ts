// The website's own CSRF check (it must hold in the dev server, where SvelteKit skips its origin check) and the
// headers every response gets.
import { describe, expect, it } from 'vitest';
import { isCrossOriginWrite, withSecurityHeaders } from '../../web/src/lib/server/security.ts';

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

  it('lets the site\'s own forms, reads, and clients that are no browser through', () => {
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
