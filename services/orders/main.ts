// multi-cloud orders: places an order by reserving its stock through the router (INVENTORY_URL); keeps the
// orders this replica took (GET /orders).
import { randomBytes } from 'node:crypto';
import { requiredEnv } from '../runtime/env.ts';
import { callOk } from '../runtime/http-client.ts';
import { HttpError, runService } from '../runtime/server.ts';

const inventoryUrl = requiredEnv('INVENTORY_URL');
const orders: { id: string; sku: string; qty: number; cloud: string }[] = [];

await runService({
  name: 'orders',
  routes: [
    { method: 'GET', path: '/orders', handler: async () => ({ body: { orders: orders.slice(-20) } }) },
    {
      method: 'POST',
      path: '/orders',
      handler: async ({ body }) => {
        const { sku, qty = 1 } = (body ?? {}) as { sku?: unknown; qty?: unknown };
        if (typeof sku !== 'string' || typeof qty !== 'number') throw new HttpError(400, 'body must be {"sku": string, "qty": number}');
        const reserved = (await callOk(`${inventoryUrl}/inventory/${encodeURIComponent(sku)}/reservations`, {
          method: 'POST',
          body: { qty },
          timeoutMs: 4000,
        })) as { cloud: string };
        const order = { id: randomBytes(6).toString('hex'), sku, qty, cloud: reserved.cloud };
        orders.push(order);
        if (orders.length > 1000) orders.splice(0, orders.length - 1000);
        return { status: 201, body: order };
      },
    },
  ],
});
