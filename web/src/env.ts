// The website's environment variables (SvelteKit 3 explicit env: read via $app/env/private and $app/env/public).
// Both are read when the server starts, so changing them needs a restart, not a rebuild.
import { defineEnvVars } from '@sveltejs/kit/env';

const DEFAULT_API_URL = 'http://127.0.0.1:3000';

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} must use http or https, got "${url.protocol}"`);
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** The process env, when there is one (env.ts is evaluated on the server only). */
function processEnv(name: string): string | undefined {
  const host = globalThis as { process?: { env?: Record<string, string | undefined> } };
  const value = host.process?.env?.[name];
  return value === '' ? undefined : value;
}

export const variables = defineEnvVars({
  API_URL: {
    description: `Base URL the website's server uses to call the API (default ${DEFAULT_API_URL}).`,
    schema: (value) => httpUrl('API_URL', value || DEFAULT_API_URL),
  },
  PUBLIC_API_URL: {
    public: true,
    description: 'Base URL the browser uses for the live event WebSocket (default: API_URL).',
    schema: (value) => httpUrl('PUBLIC_API_URL', value || processEnv('API_URL') || DEFAULT_API_URL),
  },
});
