// The engine's Kubernetes clients must reuse their TLS connections: client-node on its own opens a new
// one per call, and at 200 sessions the handshakes alone saturated the worker and the apiserver.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectKube } from '../../cluster/kube.ts';
import { loadOrCreateGatewayTls } from '../../gateway/tls.ts';

describe('engine Kubernetes clients', () => {
  let dir: string;
  let server: Server;
  let kubeconfig: string;
  let handshakes = 0;
  const authorizations: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fl-kube-reuse-'));
    const tls = await loadOrCreateGatewayTls(dir, ['127.0.0.1']);
    server = createServer({ cert: tls.certPem, key: tls.keyPem }, (request, response) => {
      authorizations.push(request.headers.authorization ?? '');
      const name = request.url?.split('/').at(-1) ?? '';
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'fl-x' }, spec: { replicas: 2 } }),
      );
    });
    server.on('secureConnection', () => {
      handshakes += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: test',
        `clusters: [{ name: test, cluster: { server: "https://127.0.0.1:${port}", certificate-authority-data: "${Buffer.from(tls.caPem).toString('base64')}" } }]`,
        'users: [{ name: engine, user: { token: engine-token } }]',
        'contexts: [{ name: test, context: { cluster: test, user: engine } }]',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('make 40 calls over one or two TLS connections, not 40, each still authenticated and answered', async () => {
    const kube = connectKube(kubeconfig);
    const before = handshakes;
    for (let i = 0; i < 40; i += 1) {
      const deployment = await kube.apps.readNamespacedDeployment({ name: `web-${i}`, namespace: 'fl-x' });
      expect(deployment.metadata?.name).toBe(`web-${i}`);
    }
    // undici may open a second connection while the first still finishes reading a response; never one per call.
    expect(handshakes - before).toBeLessThanOrEqual(2);
    expect(authorizations.slice(-40).every((value) => value === 'Bearer engine-token')).toBe(true);
  });
});
