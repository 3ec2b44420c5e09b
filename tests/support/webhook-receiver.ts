// Webhook publication in tests: the publication worker on its own task queue, and a receiver that records every
// request and answers what the test says (to fail some attempts).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '../../db/client.ts';
import { createPublicationWorker } from '../../worker/publication-worker.ts';

export interface Received {
  status: number;
  body: string;
  signature: string;
  delivery: string;
  path: string;
}

/** Runs the publication worker (deliverWebhook) on `taskQueue` until close. */
async function runPublicationWorker(temporalAddress: string, taskQueue: string, db: Database) {
  const { worker, connection } = await createPublicationWorker({
    temporal: { address: temporalAddress },
    namespace: 'default',
    taskQueue,
    db,
  });
  const running = worker.run();
  return {
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** A receiver on 127.0.0.1: `statusFor` answers each request, given the ones before it (all kept in `received`). */
export async function startWebhookReceiver(statusFor: (request: Omit<Received, 'status'>, before: Received[]) => number) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const seen = {
        body,
        signature: String(request.headers['x-failurelib-signature']),
        delivery: String(request.headers['x-failurelib-delivery']),
        path: request.url ?? '',
      };
      const status = statusFor(seen, received);
      received.push({ status, ...seen });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The worker's fetch keeps connections alive.
        server.closeAllConnections();
      }),
  };
}

/** The publication worker on `taskQueue` and a receiver (see startWebhookReceiver), closed together. */
export async function startWebhooks(
  temporalAddress: string,
  taskQueue: string,
  db: Database,
  statusFor: Parameters<typeof startWebhookReceiver>[0],
) {
  const worker = await runPublicationWorker(temporalAddress, taskQueue, db);
  const receiver = await startWebhookReceiver(statusFor);
  return {
    url: receiver.url,
    received: receiver.received,
    async close() {
      await worker.close();
      await receiver.close();
    },
  };
}
