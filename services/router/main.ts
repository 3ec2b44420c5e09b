// multi-cloud router: forwards /inventory/* to the primary cloud (PRIMARY_UPSTREAM, a Service name) and fails
// over to the secondary (SECONDARY_UPSTREAM) when the primary does not answer or answers 5xx; /orders goes to
// ORDERS_URL. Like a proxy with strict DNS upstreams, it refuses to start when an upstream name does not resolve.
import { lookup } from 'node:dns/promises';
import { requiredEnv } from '../runtime/env.ts';
import { call, callOk, type CallResult } from '../runtime/http-client.ts';
import { errorText, log } from '../runtime/log.ts';
import { HttpError, runService, type Request } from '../runtime/server.ts';
import { checkAtStart } from '../runtime/startup.ts';

const upstreams = [requiredEnv('PRIMARY_UPSTREAM'), requiredEnv('SECONDARY_UPSTREAM')];
const ordersUrl = requiredEnv('ORDERS_URL');

async function forward({ method, path, body }: Request): Promise<CallResult> {
  const failures: string[] = [];
  for (const upstream of upstreams) {
    try {
      const result = await call(`http://${upstream}${path}`, { method, body, timeoutMs: 1500 });
      if (result.status < 500) return result;
      failures.push(`${upstream} answered ${result.status}`);
    } catch (error) {
      failures.push(errorText(error));
    }
    log('warn', `upstream ${upstream} failed, ${upstream === upstreams.at(-1) ? 'no upstream left' : 'failing over'}`, {
      error: failures.at(-1),
    });
  }
  throw new HttpError(503, `no healthy upstream: ${failures.join('; ')}`);
}

await runService({
  name: 'router',
  async init() {
    for (const upstream of upstreams) {
      const host = new URL(`http://${upstream}`).hostname;
      await checkAtStart(`resolving upstream ${upstream}`, async () => void (await lookup(host)));
    }
  },
  routes: [
    { method: 'GET', path: '/inventory/:sku', handler: async (request) => forward(request) },
    { method: 'POST', path: '/inventory/:sku/reservations', handler: async (request) => forward(request) },
    { method: 'GET', path: '/orders', handler: async () => ({ body: await callOk(`${ordersUrl}/orders`) }) },
    {
      method: 'POST',
      path: '/orders',
      handler: async ({ body }) => ({ status: 201, body: await callOk(`${ordersUrl}/orders`, { method: 'POST', body, timeoutMs: 5000 }) }),
    },
  ],
});
