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

const port = parsePort(process.env.WEB_PORT, 5173);
const origin = parseOrigin(process.env.WEB_ORIGIN);

export default defineConfig({
  root: webDir,
  plugins: [
    sveltekit({
      adapter: adapter({ out: fileURLToPath(new URL('./build', import.meta.url)) }),
      ...(origin ? { paths: { origin } } : {}),
    }),
  ],
  server: { host: '127.0.0.1', port, strictPort: true },
  preview: { host: '127.0.0.1', port, strictPort: true },
});
