// The test services' start (tests/support/test-services.ts): a port taken by another process between choosing
// and binding it is retried on a new port, and a start that fails stops every service that did start.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, PortInUseError, retryOnPortConflict } from '../../infra/lib/ports.ts';
import { startProcess, waitUntil } from '../../infra/lib/processes.ts';
import { requireTool } from '../../infra/lib/tools.ts';
import { isRunning, watchDescendants } from '../support/process-tree.ts';
import { startTestServices } from '../support/test-services.ts';

const dir = mkdtempSync(join(tmpdir(), 'fl-test-services-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A port held by a listener of this process, as another program would hold it (it hangs up at once). */
async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return { port: address.port, server };
}

function startEtcd(clientPort: number, peerPort: number, name: string) {
  const etcd = startProcess(
    'etcd',
    requireTool('etcd'),
    [
      '--name',
      name,
      '--data-dir',
      join(dir, name),
      '--listen-client-urls',
      `http://127.0.0.1:${clientPort}`,
      '--advertise-client-urls',
      `http://127.0.0.1:${clientPort}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${peerPort}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${peerPort}`,
      '--initial-cluster',
      `${name}=http://127.0.0.1:${peerPort}`,
    ],
    { logFile: join(dir, `${name}.log`) },
  );
  return etcd;
}

describe('test services', () => {
  it('hands out a port once, however many are asked for at the same time', async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    expect(new Set(ports).size).toBe(40);
  });

  it('starts etcd again on another port when its port was taken', async () => {
    const busy = await busyPort();
    const ports: number[] = [];
    try {
      const etcd = await retryOnPortConflict(async (attempt) => {
        const clientPort = attempt === 1 ? busy.port : await freePort();
        ports.push(clientPort);
        const started = startEtcd(clientPort, await freePort(), `etcd-${attempt}`);
        try {
          await waitUntil(
            'etcd',
            async () => (await fetch(`http://127.0.0.1:${clientPort}/health`, { signal: AbortSignal.timeout(2000) })).ok,
            { process: started, timeoutMs: 30_000 },
          );
        } catch (error) {
          await started.stop();
          throw error;
        }
        return started;
      });
      expect(ports).toHaveLength(2);
      expect(ports[0]).toBe(busy.port);
      expect((await fetch(`http://127.0.0.1:${ports[1]}/health`)).ok).toBe(true);
      await etcd.stop();
    } finally {
      busy.server.close();
    }
  }, 60_000);

  it('says a port was taken, rather than a bare exit code, when etcd cannot bind', async () => {
    const busy = await busyPort();
    const etcd = startEtcd(busy.port, await freePort(), 'etcd-busy');
    try {
      const failure = await waitUntil('etcd', async () => false, { process: etcd, timeoutMs: 30_000 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PortInUseError);
      expect((failure as Error).message).toMatch(/^etcd: etcd exited with code 1; see /);
    } finally {
      await etcd.stop();
      busy.server.close();
    }
  }, 60_000);

  it('stops every service it started when one cannot start', async () => {
    const busy = await busyPort();
    const children = watchDescendants(process.pid);
    const before = new Set(children.seen.keys());
    try {
      const failure = await startTestServices(join(dir, 'failing'), { attempts: 1, etcdPort: busy.port }).catch(
        (error: unknown) => error as Error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toMatch(/test services did not start: etcd: etcd exited with code 1/);
    } finally {
      children.stop();
      busy.server.close();
    }
    const started = [...children.seen].filter(([pid]) => !before.has(pid));
    // Temporal and PostgreSQL came up while the sim cluster failed: they were started, and are gone now. (etcd, the
    // one that failed, exits on its own within milliseconds: the process sampler may never see it.)
    expect(started.map(([, command]) => command)).toEqual(expect.arrayContaining(['temporal', 'postgres']));
    expect(started.filter(([pid]) => isRunning(pid))).toEqual([]);
  }, 120_000);
});
