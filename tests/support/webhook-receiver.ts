// Webhook publication in tests: the publication worker on its own task queue, and a receiver that records every
// request and answers what the test says (to fail some attempts).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Database } from '../../db/client.ts';
import { createPublicationWorker } from '../../worker/publication-worker.ts';
import { OPERATOR } from './reports-harness.ts';

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

/** The subscribers' side through the API: receiver paths subscribed with `secret`, their delivery logs, what they accepted. */
export function subscriptionsOf(app: FastifyInstance, receiver: { url: string; received: Received[] }, secret: string) {
  return {
    /** Subscribes the receiver's `path` (the operator's request); returns the subscriber's id. */
    async subscribe(path: string, tags: string[]) {
      const subscribed = await app.inject({
        method: 'POST',
        url: '/api/subscriptions',
        payload: { url: `${receiver.url}${path}`, secret, tags },
        headers: OPERATOR,
      });
      expect(subscribed.statusCode, subscribed.body).toBe(201);
      return (subscribed.json() as { id: string }).id;
    },
    async deliveryLog(subscriberId: string) {
      return (await app.inject({ method: 'GET', url: `/api/subscriptions/${subscriberId}/deliveries`, headers: OPERATOR })).json() as {
        publication: string;
        attempts: number;
        lastStatus: number | null;
        deliveredAt: string | null;
      }[];
    },
    /** The accepted deliveries to one subscriber's path, as parsed payloads. */
    accepted(path: string) {
      return receiver.received
        .filter((r) => r.path === path && r.status === 200)
        .map((r) => ({ ...r, payload: JSON.parse(r.body) as { type: string; remediation?: Record<string, unknown> } }));
    },
  };
}

export type Subscriptions = ReturnType<typeof subscriptionsOf>;
