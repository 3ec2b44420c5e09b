// The options both Temporal connections take (the API's and the worker's client Connection, the worker's
// NativeConnection): the address, TLS with files read now, and the API key.
import { readFileSync } from 'node:fs';
import type { Config } from './config.ts';

export interface TemporalConnectionOptions {
  address: string;
  tls?: {
    clientCertPair?: { crt: Buffer; key: Buffer };
    serverRootCACertificate?: Buffer;
    serverNameOverride?: string;
  };
  apiKey?: string;
}

export function temporalConnectionOptions(config: Pick<Config, 'temporalAddress' | 'temporal'>): TemporalConnectionOptions {
  const { tls, apiKey } = config.temporal;
  return {
    address: config.temporalAddress,
    ...(tls && {
      tls: {
        ...(tls.certFile && tls.keyFile && { clientCertPair: { crt: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } }),
        ...(tls.caFile && { serverRootCACertificate: readFileSync(tls.caFile) }),
        ...(tls.serverName && { serverNameOverride: tls.serverName }),
      },
    }),
    ...(apiKey && { apiKey }),
  };
}
