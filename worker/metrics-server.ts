// The worker's own small HTTP server (FL_WORKER_METRICS_HOST:FL_WORKER_METRICS_PORT, loopback unless configured):
// GET /metrics (Prometheus) and GET /healthz (200 while the worker polls Temporal, 503 otherwise: a probe restarts
// a worker that stopped).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registry } from '../lib/metrics.ts';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function startWorkerMetricsServer(host: string, port: number, healthy: () => boolean): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/metrics') {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    } else if (request.method === 'GET' && request.url === '/healthz') {
      const ok = healthy();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'worker not running\n');
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
