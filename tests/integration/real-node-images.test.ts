// The systems' images (infra/images: postgres, redis, nginx, node-services, all built here from Debian packages)
// run on the real node, in a session's sandbox, created through the recording gateway with the participant's
// kubeconfig, and show a participant the real thing: PostgreSQL's own authentication failure and nginx's own
// `[emerg]` line in `kubectl logs`, Redis answering another pod, Node serving, and `kubectl top` numbers from
// metrics-server. Needs root and infra/real-node/setup.sh; runs under the real node's flock like the other
// real-node tests.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageName } from '../../infra/real-node/config.ts';
import type { RealNode } from '../../infra/real-node/node.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { kubectl } from '../support/session-client.ts';
import { startRealNodeSession, startTestRealNode } from '../support/real-node.ts';

const database = inject('databases').find((db) => db.name === 'pglite') ?? inject('databases')[0];
// Small requests: the node has 2 CPUs for every pod of the session and its own.
const limits = { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '128Mi' } };

function pod(name: string, container: Record<string, unknown>, volumes: object[] = []): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: { containers: [{ name: 'main', imagePullPolicy: 'Never', resources: limits, ...container }], volumes },
  };
}

function service(name: string, port: number, targetPort = port): object {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port, targetPort }] } };
}

function configMap(name: string, data: Record<string, string>): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

describe('real node: the systems images', () => {
  let harness: Harness;
  let node: RealNode | undefined;
  let kubeconfig: string;
  const timings: Record<string, number> = {};

  /** Applies objects with the participant's kubeconfig, through the gateway. */
  const apply = async (name: string, items: object[]) => {
    const file = join(tmpdir(), `fl-real-images-${name}-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const result = await kubectl(kubeconfig, ['apply', '-f', file]);
    expect(result.ok, result.out).toBe(true);
  };
  const ready = async (name: string) => {
    const started = Date.now();
    const wait = await kubectl(kubeconfig, ['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=60s']);
    expect(wait.ok, `${wait.out}\n${(await kubectl(kubeconfig, ['describe', 'pod', name])).out}`).toBe(true);
    return (Date.now() - started) / 1000;
  };

  beforeAll(async () => {
    const admin = inject('kubeconfig');
    [harness, node] = await Promise.all([
      startHarness({ temporalAddress: inject('temporalAddress'), kubeconfig: admin, databaseUrl: database?.url ?? '' }),
      startTestRealNode(admin),
    ]);
    ({ kubeconfig } = await startRealNodeSession(harness));
  }, 240_000);

  afterAll(async () => {
    await node?.stop();
    await harness?.close();
    console.log(`real node images timings (s from apply to Ready): ${JSON.stringify(timings)}`);
  }, 120_000);

  it("postgres: initialises from POSTGRES_* and initdb.d, and a wrong password is PostgreSQL's own FATAL in kubectl logs", async () => {
    const started = Date.now();
    await apply('database', [
      configMap('database-init', { 'schema.sql': 'CREATE TABLE bookings (id int); INSERT INTO bookings VALUES (7);\n' }),
      pod(
        'database',
        {
          image: imageName('postgres'),
          env: [
            { name: 'POSTGRES_USER', value: 'booking' },
            { name: 'POSTGRES_PASSWORD', value: 'right-password' },
            { name: 'POSTGRES_DB', value: 'bookings' },
          ],
          ports: [{ containerPort: 5432 }],
          // TCP: during initialisation the server listens on its socket only.
          readinessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1', '-U', 'booking', '-d', 'bookings'] }, periodSeconds: 1 },
          volumeMounts: [
            { name: 'init', mountPath: '/docker-entrypoint-initdb.d' },
            { name: 'data', mountPath: '/var/lib/postgresql/data' },
          ],
        },
        [
          { name: 'init', configMap: { name: 'database-init' } },
          { name: 'data', emptyDir: {} },
        ],
      ),
      service('database', 5432),
    ]);
    await ready('database');
    timings.postgres = (Date.now() - started) / 1000;
    // Through the Service (not the pod's loopback, which initdb trusts), as a client pod would connect.
    const query = (password: string) =>
      kubectl(kubeconfig, [
        'exec',
        'database',
        '--',
        'sh',
        '-c',
        `PGPASSWORD=${password} psql -h database -U booking -d bookings -tAc 'SELECT id FROM bookings'`,
      ]);
    const right = await query('right-password');
    expect(right.out.trim()).toBe('7');
    const wrong = await query('wrong-password');
    expect(wrong.ok).toBe(false);
    expect(wrong.out).toContain('password authentication failed for user "booking"');
    const logs = await kubectl(kubeconfig, ['logs', 'database']);
    expect(logs.out).toMatch(/FATAL: {1,2}password authentication failed for user "booking"/);
  }, 120_000);

  it("nginx: serves its conf.d site as a non-root user, and a broken config is nginx's own [emerg] line in kubectl logs", async () => {
    const started = Date.now();
    await apply('nginx', [
      configMap('search-config', {
        'default.conf': 'server {\n  listen 8080;\n  location / { return 200 "search ok\\n"; }\n}\n',
      }),
      configMap('broken-config', {
        'default.conf': 'server {\n  listen 8080;\n  location / { proxy_pass http://flights; }\n  proxy_timeout_typo 5s;\n}\n',
      }),
      pod('search', { image: imageName('nginx'), volumeMounts: [{ name: 'conf', mountPath: '/etc/nginx/conf.d' }] }, [
        { name: 'conf', configMap: { name: 'search-config' } },
      ]),
      pod('broken', { image: imageName('nginx'), volumeMounts: [{ name: 'conf', mountPath: '/etc/nginx/conf.d' }] }, [
        { name: 'conf', configMap: { name: 'broken-config' } },
      ]),
    ]);
    await ready('search');
    timings.nginx = (Date.now() - started) / 1000;
    const served = await kubectl(kubeconfig, ['exec', 'search', '--', 'sh', '-c', 'wget -qO- http://127.0.0.1:8080/; id -u']);
    expect(served.out).toBe('search ok\n101\n');
    expect((await kubectl(kubeconfig, ['logs', 'search'])).out).toContain('"GET / HTTP/1.1" 200');

    const emerg = /\[emerg\] .*unknown directive "proxy_timeout_typo" in \/etc\/nginx\/conf\.d\/default\.conf:4/;
    // Whichever instance kubectl finds: the running one, or the one before once it has restarted.
    await expect
      .poll(
        async () => {
          const current = await kubectl(kubeconfig, ['logs', 'broken']);
          return emerg.test(current.out) ? current.out : (await kubectl(kubeconfig, ['logs', 'broken', '--previous'])).out;
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toMatch(emerg);
  }, 120_000);

  it('redis and node-services: redis-server answers another pod; Node runs as user 10001', async () => {
    const started = Date.now();
    await apply('redis', [
      pod('cart-store', {
        image: imageName('redis'),
        args: ['--maxmemory', '32mb'],
        ports: [{ containerPort: 6379 }],
        readinessProbe: { exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 1 },
      }),
      service('cart-store', 6379),
      pod('storefront', {
        image: imageName('node-services'),
        command: [
          'node',
          '-e',
          "require('node:http').createServer((q, s) => s.end(JSON.stringify({ uid: process.getuid(), node: process.version }))).listen(8080)",
        ],
        readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
      }),
    ]);
    await Promise.all([ready('cart-store'), ready('storefront')]);
    timings.redisAndNode = (Date.now() - started) / 1000;
    // From another pod, to the pod's address (not loopback): the official image's protected mode is off.
    const address = (await kubectl(kubeconfig, ['get', 'pod', 'cart-store', '-o', 'jsonpath={.status.podIP}'])).out;
    const ping = async () =>
      (await kubectl(kubeconfig, ['exec', 'storefront', '--', 'sh', '-c', `printf "PING\\r\\n" | timeout 3 nc ${address} 6379`])).out;
    await expect.poll(ping, { timeout: 30_000, interval: 1000 }).toContain('+PONG');
    const maxmemory = await kubectl(kubeconfig, ['exec', 'cart-store', '--', 'redis-cli', 'config', 'get', 'maxmemory']);
    expect(maxmemory.out).toContain(String(32 * 1024 * 1024));
    const served = await kubectl(kubeconfig, ['exec', 'storefront', '--', 'wget', '-qO-', 'http://127.0.0.1:8080/']);
    expect(JSON.parse(served.out)).toEqual({ uid: 10001, node: expect.stringMatching(/^v24\./) });
  }, 120_000);

  it('kubectl top pod returns numbers from metrics-server, through the gateway', async () => {
    const started = Date.now();
    await expect
      .poll(async () => (await kubectl(kubeconfig, ['top', 'pod', 'database', '--no-headers'])).out, { timeout: 120_000, interval: 2000 })
      .toMatch(/^database\s+\d+m\s+\d+Mi/);
    timings.topAvailable = (Date.now() - started) / 1000;
    const all = await kubectl(kubeconfig, ['top', 'pod', '--no-headers']);
    expect(all.out).toMatch(/^database\s+\d+m\s+\d+Mi/m);
  }, 150_000);
});
