// Starts the recording kube gateway: an HTTPS server with the library's own certificate that participants'
// kubeconfigs point at. Started by the API process and by the test harness.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { watchFile, unwatchFile } from 'node:fs';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/client.ts';
import { createAuthThrottle } from './auth-throttle.ts';
import { authenticate, type Authentication } from './credentials.ts';
import { handleRequest, type GatewayContext } from './forward.ts';
import { sendStatus } from './kube-status.ts';
import { certificateHosts, loadGivenGatewayTls, loadOrCreateGatewayTls } from './tls.ts';
import { handleUpgrade } from './upgrade.ts';
import { createUpstream, type UpstreamDriver } from './upstream.ts';
import { hashToken } from '../lib/tokens.ts';
import { gatewayRequests } from '../lib/metrics.ts';

export interface GatewayOptions {
  db: Database;
  logger: FastifyBaseLogger;
  dataDir: string;
  host: string;
  port: number;
  publicUrl?: string;
  /** A given certificate (tls.crt, tls.key, ca.crt when not publicly trusted) instead of the library's own CA. */
  tlsDir?: string | undefined;
  /** How often a given certificate's file is checked for a renewal (default 30 s). */
  tlsReloadCheckMs?: number;
  /** The sandboxes' driver: which API server each session's requests go to, and with which credentials. */
  driver: UpstreamDriver;
}

export interface Gateway {
  /** What kubeconfigs point at. */
  publicUrl: string;
  /** The CA that signed the gateway's certificate (PEM), for kubeconfigs' certificate-authority-data; empty when
   * a given certificate came without one (publicly trusted: kubectl checks it against the system's CAs). */
  caPem: string;
  server: Server;
  close(): Promise<void>;
}

/** A successful authentication is trusted for this long: a session that ends is locked out within it. */
const AUTH_CACHE_MS = 2000;

function cachedAuthentication(db: Database): (authorization: string | undefined) => Promise<Authentication> {
  const cache = new Map<string, { result: Authentication; until: number }>();
  return async (authorization) => {
    const key = authorization ? hashToken(authorization) : '';
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.result;
    const result = await authenticate(db, authorization);
    if (cache.size > 10_000) cache.clear();
    if (result.ok) cache.set(key, { result, until: now + AUTH_CACHE_MS });
    else cache.delete(key);
    return result;
  };
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const tls = options.tlsDir
    ? loadGivenGatewayTls(options.tlsDir)
    : await loadOrCreateGatewayTls(join(options.dataDir, 'gateway'), certificateHosts(options.publicUrl));
  const logger = options.logger;
  const context: GatewayContext = {
    db: options.db,
    logger,
    upstream: createUpstream(options.driver),
    authenticate: cachedAuthentication(options.db),
    authThrottle: createAuthThrottle(),
  };
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (incoming, response) => {
    response.once('finish', () => gatewayRequests.inc({ method: incoming.method ?? '', code: response.statusCode }));
    handleRequest(context, incoming, response).catch((error: unknown) => {
      logger.error({ err: error }, 'gateway request failed');
      sendStatus(response, 503, 'the gateway could not forward this request');
    });
  });
  // Upgraded connections (exec, port-forward) are no longer the HTTP server's to close: track them.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (incoming, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    gatewayRequests.inc({ method: 'UPGRADE', code: 'upgrade' });
    socket.once('close', () => upgraded.delete(socket));
    handleUpgrade(context, incoming, socket, head).catch((error: unknown) => {
      logger.error({ err: error }, 'gateway upgrade failed');
      socket.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  // A given certificate is renewed in place (a Secret volume, cert-manager): the new one serves new connections.
  const tlsDir = options.tlsDir;
  const givenCert = tlsDir === undefined ? undefined : join(tlsDir, 'tls.crt');
  if (tlsDir !== undefined && givenCert !== undefined) {
    watchFile(givenCert, { interval: options.tlsReloadCheckMs ?? 30_000, persistent: false }, () => {
      try {
        const renewed = loadGivenGatewayTls(tlsDir);
        server.setSecureContext({ cert: renewed.certPem, key: renewed.keyPem });
        logger.info('kube gateway certificate reloaded');
      } catch (error) {
        logger.warn({ err: error }, 'kube gateway certificate could not be reloaded; the previous one still serves');
      }
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const publicUrl = options.publicUrl ?? `https://127.0.0.1:${port}`;
  logger.info({ publicUrl }, 'kube gateway listening');
  return {
    publicUrl,
    caPem: tls.caPem,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        if (givenCert) unwatchFile(givenCert);
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      }),
  };
}
