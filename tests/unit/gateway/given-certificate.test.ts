// A gateway given its certificate (FL_GATEWAY_TLS_DIR: a mounted kubernetes.io/tls Secret, as the Helm chart does)
// serves it, and serves the renewed one once the Secret's files change (cert-manager renews in place), without a
// restart. No request is forwarded here, so the gateway's database and driver are never reached.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { startGateway } from '../../../gateway/server.ts';
import { loadOrCreateGatewayTls } from '../../../gateway/tls.ts';
import type { UpstreamDriver } from '../../../gateway/upstream.ts';

const dir = mkdtempSync(join(tmpdir(), 'fl-given-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Makes a CA and server certificate in `made` and puts them where the Secret would be mounted. */
async function issue(made: string, mounted: string) {
  const tls = await loadOrCreateGatewayTls(join(dir, made), ['127.0.0.1']);
  mkdirSync(mounted, { recursive: true });
  copyFileSync(join(dir, made, 'server.crt'), join(mounted, 'tls.crt'));
  copyFileSync(join(dir, made, 'server.key'), join(mounted, 'tls.key'));
  copyFileSync(join(dir, made, 'ca.crt'), join(mounted, 'ca.crt'));
  return tls;
}

function servedCertificate(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca }, () => {
      resolve(socket.getPeerX509Certificate()?.serialNumber ?? '');
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('a gateway with a given certificate', () => {
  it('serves it, puts its CA in kubeconfigs, and serves a renewed one without a restart', async () => {
    const mounted = join(dir, 'secret');
    const first = await issue('first', mounted);
    const gateway = await startGateway({
      db: {} as Database,
      driver: {} as UpstreamDriver,
      logger: pino({ level: 'silent' }),
      dataDir: join(dir, 'data'),
      host: '127.0.0.1',
      port: 0,
      publicUrl: 'https://kube.booth.example',
      tlsDir: mounted,
      tlsReloadCheckMs: 100,
    });
    try {
      const port = (gateway.server.address() as AddressInfo).port;
      expect(gateway.caPem).toBe(first.caPem);
      expect(gateway.publicUrl).toBe('https://kube.booth.example');
      const before = await servedCertificate(port, first.caPem);

      const renewed = await issue('renewed', mounted);
      await expect
        .poll(() => servedCertificate(port, renewed.caPem).catch(() => before), { timeout: 5000, interval: 100 })
        .not.toBe(before);
    } finally {
      await gateway.close();
    }
  });
});
