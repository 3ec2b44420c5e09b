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

const port = parsePort(process.env.WEB_PORT, 5173);

export default defineConfig({
  root: webDir,
  plugins: [
    sveltekit({
      adapter: adapter({ out: fileURLToPath(new URL('./build', import.meta.url)) }),
      // No `paths.origin`: a build fixed to one origin could not be deployed elsewhere; the site's origin is WEB_ORIGIN,
      // read when web/production-server.ts starts.
      // Scripts only from the site itself, plus SvelteKit's own inline ones by nonce; never in a frame.
      // Inline styles stay allowed: Svelte writes style attributes, and a style cannot run code. connect-src gets the
      // API (the live socket) per response in hooks.server.ts, so one build serves any API address.
      csp: {
        mode: 'auto',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          'style-src': ['self', 'unsafe-inline'],
          'img-src': ['self', 'data:'],
          'font-src': ['self'],
          'connect-src': ['self'],
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
