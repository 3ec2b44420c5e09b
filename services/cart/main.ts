// demo-app cart: each shopper's cart as a Redis hash (REDIS_URL, e.g. redis://cart-store:6379).
import { requiredEnv } from '../runtime/env.ts';
import { redis } from '../runtime/redis.ts';
import { HttpError, runService } from '../runtime/server.ts';

const store = redis(requiredEnv('REDIS_URL'));
const key = (user: string) => `cart:${user}`;

function itemsOf(hash: Record<string, string>) {
  return Object.entries(hash).map(([sku, qty]) => ({ sku, qty: Number(qty) }));
}

await runService({
  name: 'cart',
  routes: [
    {
      method: 'GET',
      path: '/carts/:user',
      handler: async ({ params }) => ({
        body: { user: params.user, items: itemsOf(await store.run((r) => r.hgetall(key(params.user ?? '')))) },
      }),
    },
    {
      method: 'POST',
      path: '/carts/:user/items',
      handler: async ({ params, body }) => {
        const { sku, qty = 1 } = (body ?? {}) as { sku?: unknown; qty?: unknown };
        if (typeof sku !== 'string' || typeof qty !== 'number' || !Number.isInteger(qty) || qty < 1)
          throw new HttpError(400, 'body must be {"sku": string, "qty": positive integer}');
        await store.run((r) => r.hincrby(key(params.user ?? ''), sku, qty));
        return { status: 201, body: { user: params.user, sku, added: qty } };
      },
    },
    {
      method: 'DELETE',
      path: '/carts/:user',
      handler: async ({ params }) => {
        await store.run((r) => r.del(key(params.user ?? '')));
        return { body: { user: params.user, items: [] } };
      },
    },
  ],
});
