// Loopback ports for services started by tests, benchmarks and the stack. A port chosen here is free when
// chosen, not when the service binds it: another process (a Temporal dev server picks several ports of its own)
// may take it in between, so starts that choose ports go through retryOnPortConflict.
import { connect, createServer } from 'node:net';

/** A start failed because a port it was given was taken before it could bind it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

/** Ports this process has handed out: never handed out twice, so concurrent starts here cannot collide. */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await unusedPort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Runs `start` (which chooses its ports with freePort) again with new ports when a port was taken before the
 * service bound it; any other failure, or the last attempt's, is thrown as is. `start` stops what it started
 * before it throws.
 */
export async function retryOnPortConflict<T>(start: (attempt: number) => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(attempt);
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= attempts) throw error;
    }
  }
}

export async function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
