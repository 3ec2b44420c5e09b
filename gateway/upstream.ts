// Where the gateway forwards a session's requests and with what: the API server of the cluster the session's
// sandbox is on (the one driven cluster, or the session's own for kind and vcluster), authenticated as the
// sandbox's own `participant` service account (edit in that namespace only), never as the engine — except for
// reading the session's own Namespace object, which no namespaced role can grant.
import { Agent, request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { ClusterDriver, SandboxCredentials } from '../cluster/driver.ts';
import { IdleCache } from '../cluster/idle-cache.ts';
import type { Kube } from '../cluster/kube.ts';

/**
 * Tokens and agents nobody has used this long are dropped (an agent's sockets closed: a lone `kubectl get -w`
 * silent for that long on a kind/vcluster session would end and need re-running).
 */
const IDLE_MS = 30 * 60 * 1000;

/** Renew a cached token this long before it expires. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

/** The sandbox a request goes to. */
export interface SandboxRef {
  sessionId: string;
  namespace: string;
}

/** One session's upstream: its API server, the CA it is checked against and a keep-alive agent for it. */
export interface UpstreamTarget {
  url: URL;
  ca: string | undefined;
  agent: Agent;
  /** The Authorization header value for the sandbox's participant identity. */
  authorization: string;
  /** TLS options carrying the engine's own credentials (client certificate or token) for this cluster. */
  engineOptions(): Promise<RequestOptions>;
}

export interface Upstream {
  targetFor(sandbox: SandboxRef): Promise<UpstreamTarget>;
  /** Reads a path as JSON with the sandbox's credentials; undefined when it does not exist or is not JSON. */
  readJson(sandbox: SandboxRef, path: string): Promise<unknown>;
}

export type UpstreamDriver = Pick<ClusterDriver, 'kubeFor' | 'sandboxCredentials'>;

export function createUpstream(driver: UpstreamDriver): Upstream {
  // Entries of ended sessions (and of their clusters, for cluster-per-session drivers) go when idle.
  const tokens = new IdleCache<Promise<SandboxCredentials>>(IDLE_MS);
  // One agent per API server and CA: sessions on the same cluster share connections.
  const agents = new IdleCache<Agent>(IDLE_MS, (agent) => agent.destroy());

  function agentFor(kube: Kube): Agent {
    const key = `${kube.server}\n${kube.caData}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = new Agent({ ca: kube.caData || undefined, keepAlive: true, maxSockets: 256 });
      agents.set(key, agent);
    }
    return agent;
  }

  async function authorizationFor({ sessionId, namespace }: SandboxRef): Promise<string> {
    const key = `${sessionId}/${namespace}`;
    let pending = tokens.get(key);
    const cached = pending ? await pending.catch(() => undefined) : undefined;
    if (!cached || cached.expiresAt.getTime() - Date.now() < RENEW_BEFORE_MS) {
      pending = driver.sandboxCredentials(sessionId, namespace);
      tokens.set(key, pending);
      const attempt = pending;
      attempt.catch(() => tokens.deleteIf(key, attempt));
    }
    return `Bearer ${(await (pending as Promise<SandboxCredentials>)).token}`;
  }

  async function targetFor(sandbox: SandboxRef): Promise<UpstreamTarget> {
    const kube = await driver.kubeFor(sandbox.sessionId);
    return {
      url: new URL(kube.server),
      ca: kube.caData || undefined,
      agent: agentFor(kube),
      authorization: await authorizationFor(sandbox),
      async engineOptions() {
        const options: RequestOptions = { headers: {} };
        await kube.config.applyToHTTPSOptions(options);
        return options;
      },
    };
  }

  async function readJson(sandbox: SandboxRef, path: string): Promise<unknown> {
    const { url, agent, authorization } = await targetFor(sandbox);
    return new Promise((resolve) => {
      const outgoing = request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path,
          agent,
          headers: { authorization, accept: 'application/json' },
        },
        (incoming: IncomingMessage) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => {
            if ((incoming.statusCode ?? 500) >= 300) return resolve(undefined);
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
            } catch {
              resolve(undefined);
            }
          });
          incoming.on('error', () => resolve(undefined));
        },
      );
      outgoing.on('error', () => resolve(undefined));
      outgoing.end();
    });
  }

  return { targetFor, readJson };
}
