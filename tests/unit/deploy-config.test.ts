// What the Helm chart sets beyond the local stack: Temporal over TLS or with an API key, who may read the API's
// metrics, the worker's metrics port, and a gateway certificate given as files (kubeconfigs carry its CA, or none).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderKubeconfig } from '../../cluster/kubeconfig.ts';
import { loadConfig } from '../../config/config.ts';
import { temporalConnectionOptions } from '../../config/temporal-connection.ts';
import { loadGivenGatewayTls } from '../../gateway/tls.ts';
import { metricsAccess } from '../../lib/metrics.ts';

describe('deployment settings', () => {
  it('connects to Temporal in plain text by default, with mTLS files or an API key when given', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }))).toEqual({ address: 'temporal:7233' });
    const dir = mkdtempSync(join(tmpdir(), 'fl-temporal-tls-'));
    for (const name of ['tls.crt', 'tls.key', 'ca.crt']) writeFileSync(join(dir, name), `${name} contents`);
    const mtls = temporalConnectionOptions(
      loadConfig({
        TEMPORAL_ADDRESS: 'temporal.booth:7233',
        TEMPORAL_TLS_CERT: join(dir, 'tls.crt'),
        TEMPORAL_TLS_KEY: join(dir, 'tls.key'),
        TEMPORAL_TLS_CA: join(dir, 'ca.crt'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      }),
    );
    expect(mtls.tls?.clientCertPair?.crt.toString()).toBe('tls.crt contents');
    expect(mtls.tls?.clientCertPair?.key.toString()).toBe('tls.key contents');
    expect(mtls.tls?.serverRootCACertificate?.toString()).toBe('ca.crt contents');
    expect(mtls.tls?.serverNameOverride).toBe('temporal.internal');
    // Temporal Cloud: an API key alone means TLS with the system's CAs.
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key' }))).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      tls: {},
      apiKey: 'key',
    });
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: '/a.crt' })).toThrow(/TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/);
  });

  it('lets loopback and FL_METRICS_ALLOW read /metrics, nobody else', () => {
    const loopbackOnly = metricsAccess(loadConfig({}).metricsAllow);
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].map(loopbackOnly)).toEqual([true, true, true]);
    expect(loopbackOnly('10.1.2.3')).toBe(false);
    const cluster = metricsAccess(loadConfig({ FL_METRICS_ALLOW: '10.0.0.0/8, fd00::/8,192.168.1.7' }).metricsAllow);
    expect(['10.1.2.3', '::ffff:10.9.9.9', 'fd00::1', '192.168.1.7'].map(cluster)).toEqual([true, true, true, true]);
    expect(['11.0.0.1', '192.168.1.8', 'fe80::1', undefined].map(cluster)).toEqual([false, false, false, false]);
    expect(() => loadConfig({ FL_METRICS_ALLOW: '10.0.0.0/33' })).toThrow(/FL_METRICS_ALLOW must be addresses or CIDR ranges/);
    expect(() => loadConfig({ FL_METRICS_ALLOW: 'pods' })).toThrow(/FL_METRICS_ALLOW/);
  });

  it('serves worker metrics only when a port is set, on loopback unless told', () => {
    expect(loadConfig({})).toMatchObject({ workerMetricsPort: undefined, workerMetricsHost: '127.0.0.1' });
    expect(loadConfig({ FL_WORKER_METRICS_PORT: '9465', FL_WORKER_METRICS_HOST: '0.0.0.0' })).toMatchObject({
      workerMetricsPort: 9465,
      workerMetricsHost: '0.0.0.0',
    });
  });

  it('takes a given gateway certificate; kubeconfigs carry its CA, or none for a publicly trusted one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-gateway-given-'));
    writeFileSync(join(dir, 'tls.crt'), 'CERT');
    writeFileSync(join(dir, 'tls.key'), 'KEY');
    expect(loadGivenGatewayTls(dir)).toEqual({ caPem: '', certPem: 'CERT', keyPem: 'KEY' });
    const input = { server: 'https://kube.booth.example', token: 't', user: 'participant' };
    expect(parse(renderKubeconfig({ ...input, caData: '' })).clusters[0].cluster).toEqual({ server: 'https://kube.booth.example' });
    writeFileSync(join(dir, 'ca.crt'), 'CA');
    const withCa = parse(renderKubeconfig({ ...input, caData: loadGivenGatewayTls(dir).caPem })).clusters[0].cluster;
    expect(Buffer.from(withCa['certificate-authority-data'], 'base64').toString()).toBe('CA');
  });
});
