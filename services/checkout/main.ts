// demo-app checkout: turns a shopper's cart into an order in PostgreSQL (the `datastore`, DATASTORE_ADDR
// host:port, credentials DATABASE_USER/DATABASE_PASSWORD, database DATABASE_NAME), then empties the cart.
// Before it listens it connects to the datastore (creating its table) and warms up for WARMUP_SECONDS (a
// stand-in for loading tax and shipping tables); it exits when the datastore stays unreachable.
import { setTimeout as sleep } from 'node:timers/promises';
import { numberEnv, requiredEnv } from '../runtime/env.ts';
import { callOk } from '../runtime/http-client.ts';
import { log } from '../runtime/log.ts';
import { database } from '../runtime/postgres.ts';
import { HttpError, runService } from '../runtime/server.ts';

const [host = '', port = '5432'] = requiredEnv('DATASTORE_ADDR').split(':');
const cartUrl = requiredEnv('CART_URL');
const db = database(
  {
    host,
    port: Number(port),
    user: requiredEnv('DATABASE_USER'),
    password: requiredEnv('DATABASE_PASSWORD'),
    database: process.env.DATABASE_NAME ?? 'shop',
  },
  'create table if not exists orders (id bigserial primary key, shopper text not null, items jsonb not null, created_at timestamptz not null default now())',
);

await runService({
  name: 'checkout',
  async init() {
    const warmup = numberEnv('WARMUP_SECONDS', 0);
    if (warmup > 0) log('info', `warming up for ${warmup} s`);
    await Promise.all([sleep(warmup * 1000), db.connectAtStart()]);
  },
  routes: [
    {
      method: 'POST',
      path: '/orders',
      handler: async ({ body }) => {
        const user = (body as { user?: unknown } | undefined)?.user;
        if (typeof user !== 'string' || user === '') throw new HttpError(400, 'body must be {"user": string}');
        const cart = (await callOk(`${cartUrl}/carts/${encodeURIComponent(user)}`)) as { items: unknown[] };
        const sql = await db.sql();
        const [order] = await sql`insert into orders (shopper, items) values (${user}, ${sql.json(cart.items as never)}) returning id`;
        await callOk(`${cartUrl}/carts/${encodeURIComponent(user)}`, { method: 'DELETE' });
        return { status: 201, body: { orderId: String(order?.id), user, items: cart.items } };
      },
    },
  ],
});
