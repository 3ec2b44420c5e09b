// Serves the built website (`npm run build` writes web/build) with plain Node: adapter-node's request handler
// behind a node:http server, started as `node web/production-server.ts`.
//
// Why not adapter-node's own web/build/index.js: adapter-node 6 takes the site's origin only from the build
// (paths.origin) or from proxy headers, else assumes https, so SvelteKit's origin check would refuse the site's
// own forms on plain http. Here the origin is WEB_ORIGIN, read at start (one build serves any address): every
// request carries it to the handler in headers of our own, set here and never taken from the client.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Handler = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

const PROTOCOL_HEADER = 'x-failurelib-site-protocol';
const HOST_HEADER = 'x-failurelib-site-host';
const BUILD = join(import.meta.dirname, 'build');

export interface SiteSettings {
  host: string;
  port: number;
  origin: URL;
}

/** WEB_HOST (default 127.0.0.1), WEB_PORT (5173) and WEB_ORIGIN (default http://127.0.0.1:<port>), checked. */
export function siteSettings(env: NodeJS.ProcessEnv): SiteSettings {
  const port = Number(env.WEB_PORT || 5173);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`WEB_PORT must be an integer between 1 and 65535, got "${env.WEB_PORT}"`);
  const rawOrigin = env.WEB_ORIGIN || `http://127.0.0.1:${port}`;
  if (!URL.canParse(rawOrigin)) throw new Error(`WEB_ORIGIN must be an absolute URL such as http://127.0.0.1:5173, got "${rawOrigin}"`);
  const origin = new URL(rawOrigin);
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:') throw new Error(`WEB_ORIGIN must be http(s), got "${rawOrigin}"`);
  if (origin.pathname !== '/' || origin.search !== '' || origin.hash !== '')
    throw new Error(`WEB_ORIGIN is an origin only (scheme, host, port), got "${rawOrigin}"`);
  return { host: env.WEB_HOST || '127.0.0.1', port, origin };
}

async function main(): Promise<void> {
  const site = siteSettings(process.env);
  if (!existsSync(join(BUILD, 'handler.js'))) throw new Error(`no built website in ${BUILD}: run npm run build first`);
  // adapter-node reads which headers name the protocol and host when its handler module loads.
  process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;
  process.env.HOST_HEADER = HOST_HEADER;
  const { handler } = (await import(pathToFileURL(join(BUILD, 'handler.js')).href)) as { handler: Handler };

  const server = createServer((request, response) => {
    // The liveness/readiness probe of a container (the Helm chart's): the process serves, the build is loaded.
    if (request.url === '/healthz') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    request.headers[PROTOCOL_HEADER] = site.origin.protocol.slice(0, -1);
    request.headers[HOST_HEADER] = site.origin.host;
    handler(request, response, () => response.writeHead(404).end());
  });
  server.listen(site.port, site.host, () =>
    process.stdout.write(`website (built) on http://${site.host}:${site.port}, origin ${site.origin.origin}\n`),
  );

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // Open live requests get a moment to finish; then the process goes regardless.
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (import.meta.main) await main();
