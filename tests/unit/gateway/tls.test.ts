// The gateway's CA and certificate: made once, reused on restart, and trusted by a client that only knows the CA.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { certificateHosts, loadOrCreateGatewayTls, type GatewayTls } from '../../../gateway/tls.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-tls-'));
  dirs.push(dir);
  return dir;
};

async function handshake(tls: GatewayTls, servername: string): Promise<string> {
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ca: tls.caPem, servername }, (response) => {
        response.setEncoding('utf8');
        let body = '';
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });
  } finally {
    server.close();
  }
}

describe('gateway TLS', () => {
  it('is created once with private keys only the owner can read, and reused', async () => {
    const dir = tempDir();
    const first = await loadOrCreateGatewayTls(dir, certificateHosts(undefined));
    const second = await loadOrCreateGatewayTls(dir, certificateHosts(undefined));
    expect(second).toEqual(first);
    for (const key of ['ca.key', 'server.key']) expect(statSync(join(dir, key)).mode & 0o777).toBe(0o600);
  });

  it('is trusted for loopback and the public host; a new host re-signs the certificate with the same CA', async () => {
    const dir = tempDir();
    const local = await loadOrCreateGatewayTls(dir, certificateHosts(undefined));
    expect(await handshake(local, 'localhost')).toBe('ok');
    await expect(handshake(local, 'gateway.example.com')).rejects.toThrow(/altnames|Hostname/i);
    const publicTls = await loadOrCreateGatewayTls(dir, certificateHosts('https://gateway.example.com:6443'));
    expect(publicTls.caPem).toBe(local.caPem);
    expect(publicTls.certPem).not.toBe(local.certPem);
    expect(await handshake(publicTls, 'gateway.example.com')).toBe('ok');
  });

  it('is not trusted by a client with another CA', async () => {
    const mine = await loadOrCreateGatewayTls(tempDir(), certificateHosts(undefined));
    const other = await loadOrCreateGatewayTls(tempDir(), certificateHosts(undefined));
    await expect(handshake({ ...mine, caPem: other.caPem }, 'localhost')).rejects.toThrow();
  });
});
