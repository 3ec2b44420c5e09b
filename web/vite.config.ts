// The website's Vite + SvelteKit config. SvelteKit 3 takes its options here (svelte.config.js is gone).
// Run from the repository root: `vite dev --config web/vite.config.ts` / `vite build --config web/vite.config.ts`.
import { fileURLToPath } from 'node:url';
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const webDir = fileURLToPath(new URL('.', import.meta.url));

function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`WEB_PORT must be an integer between 1 and 65535, got "${raw}"`);
  }
  return port;
}

/**
 * WEB_ORIGIN (build time, optional): the site's public origin, e.g. http://127.0.0.1:5173. adapter-node 6
 * no longer reads ORIGIN at run time; without this the built server assumes https (or what PROTOCOL_HEADER
 * says), so form posts to a build served over plain http would fail SvelteKit's CSRF check.
 */
function parseOrigin(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`WEB_ORIGIN must be an absolute URL such as http://127.0.0.1:5173, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`WEB_ORIGIN must be http(s), got "${raw}"`);
  return url.origin;
}

/**
 * Where the browser opens the live session's WebSocket: the API (PUBLIC_API_URL, else API_URL). The CSP's
 * connect-src names it, so it is read when the dev server starts or the site is built.
 */
/** A host source as SvelteKit's CSP types spell it (scheme, host with a dot, optional port). */
type HostSource = `${string}://${string}.${string}`;

function apiConnectSources(raw: string | undefined): HostSource[] {
  let url: URL;
  try {
    url = new URL(raw || 'http://127.0.0.1:3000');
  } catch {
    throw new Error(`PUBLIC_API_URL must be an absolute URL such as http://127.0.0.1:3000, got "${raw}"`);
  }
  const secure = url.protocol === 'https:';
  return [`${secure ? 'https' : 'http'}://${url.host}`, `${secure ? 'wss' : 'ws'}://${url.host}`] as HostSource[];
}

const port = parsePort(process.env.WEB_PORT, 5173);
const origin = parseOrigin(process.env.WEB_ORIGIN);
const apiSources = apiConnectSources(process.env.PUBLIC_API_URL || process.env.API_URL);

export default defineConfig({
  root: webDir,
  plugins: [
    sveltekit({
      adapter: adapter({ out: fileURLToPath(new URL('./build', import.meta.url)) }),
      ...(origin ? { paths: { origin } } : {}),
      // Scripts only from the site itself, plus SvelteKit's own inline ones by nonce; never in a frame.
      // Inline styles stay allowed: Svelte writes style attributes, and a style cannot run code.
      csp: {
        mode: 'auto',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          'style-src': ['self', 'unsafe-inline'],
          'img-src': ['self', 'data:'],
          'font-src': ['self'],
          'connect-src': ['self', ...apiSources],
          'object-src': ['none'],
          'base-uri': ['self'],
          'form-action': ['self'],
          'frame-ancestors': ['none'],
        },
      },
    }),
  ],
  // No CORS: Vite's default lets pages on any localhost port read the dev server's answers; the site has no cross-origin readers.
  server: { host: '127.0.0.1', port, strictPort: true, cors: false },
  preview: { host: '127.0.0.1', port, strictPort: true, cors: false },
});
