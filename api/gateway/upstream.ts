// Where the gateway forwards to and with what: the sandbox API server, authenticated as the sandbox's own
// `participant` service account (edit in that namespace only), never as the engine — except for reading the
// session's own Namespace object, which no namespaced role can grant.
import { Agent, request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Kube } from '../../activities/cluster/kube.ts';
import type { SandboxCredentials } from '../../activities/cluster/driver.ts';

/** Renew a cached token this long before it expires. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

export interface Upstream {
  url: URL;
  agent: Agent;
  ca: string | undefined;
  /** The Authorization header value for requests into `namespace`. */
  authorizationFor(namespace: string): Promise<string>;
  /** TLS options carrying the engine's own credentials (client certificate or token). */
  engineOptions(): Promise<RequestOptions>;
  /** Reads a path as JSON with the sandbox's credentials; undefined when it does not exist or is not JSON. */
  readJson(namespace: string, path: string): Promise<unknown>;
}

export function createUpstream(kube: Kube, sandboxCredentials: (namespace: string) => Promise<SandboxCredentials>): Upstream {
  const url = new URL(kube.server);
  const ca = kube.caData || undefined;
  const agent = new Agent({ ca, keepAlive: true, maxSockets: 256 });
  const tokens = new Map<string, Promise<SandboxCredentials>>();

  async function authorizationFor(namespace: string): Promise<string> {
    let pending = tokens.get(namespace);
    const cached = pending ? await pending.catch(() => undefined) : undefined;
    if (!cached || cached.expiresAt.getTime() - Date.now() < RENEW_BEFORE_MS) {
      pending = sandboxCredentials(namespace);
      tokens.set(namespace, pending);
      pending.catch(() => tokens.delete(namespace));
    }
    return `Bearer ${(await (pending as Promise<SandboxCredentials>)).token}`;
  }

  async function engineOptions(): Promise<RequestOptions> {
    const options: RequestOptions = { headers: {} };
    await kube.config.applyToHTTPSOptions(options);
    return options;
  }

  async function readJson(namespace: string, path: string): Promise<unknown> {
    const authorization = await authorizationFor(namespace);
    return new Promise((resolve) => {
      const outgoing = request({ protocol: url.protocol, hostname: url.hostname, port: url.port, path, agent, headers: { authorization, accept: 'application/json' } }, (incoming: IncomingMessage) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          if ((incoming.statusCode ?? 500) >= 300) return resolve(undefined);
          try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch { resolve(undefined); }
        });
        incoming.on('error', () => resolve(undefined));
      });
      outgoing.on('error', () => resolve(undefined));
      outgoing.end();
    });
  }

  return { url, agent, ca, authorizationFor, engineOptions, readJson };
}
