// travel-logic booking: records a booking in PostgreSQL, charges it through payment (PAYMENT_URL), marks it paid.
// At start it connects to the database (exits on wrong credentials) and resolves payment's host name.
import { lookup } from 'node:dns/promises';
import { checkAtStart } from '../runtime/startup.ts';
import { requiredEnv } from '../runtime/env.ts';
import { callOk } from '../runtime/http-client.ts';
import { HttpError, runService } from '../runtime/server.ts';
import { travelDatabase } from '../runtime/travel-database.ts';

const paymentUrl = requiredEnv('PAYMENT_URL');
const db = travelDatabase(
  "create table if not exists bookings (id bigserial primary key, traveller text not null, offer text not null, amount numeric not null, status text not null default 'pending', charge text, created_at timestamptz not null default now())",
);

await runService({
  name: 'booking',
  async init() {
    await db.connectAtStart();
    await checkAtStart(`resolving ${paymentUrl}`, async () => void (await lookup(new URL(paymentUrl).hostname)));
  },
  routes: [
    {
      method: 'POST',
      path: '/bookings',
      handler: async ({ body }) => {
        const { user, offer, amount } = (body ?? {}) as { user?: unknown; offer?: unknown; amount?: unknown };
        if (typeof user !== 'string' || typeof offer !== 'string' || typeof amount !== 'number' || amount <= 0) {
          throw new HttpError(400, 'body must be {"user": string, "offer": string, "amount": positive number}');
        }
        const sql = await db.sql();
        const [booking] = await sql`insert into bookings (traveller, offer, amount) values (${user}, ${offer}, ${amount}) returning id`;
        const id = String(booking?.id);
        const charge = (await callOk(`${paymentUrl}/charges`, {
          method: 'POST',
          body: { reference: `booking-${id}`, amount },
          timeoutMs: 4000,
        })) as { id: string };
        await sql`update bookings set status = 'paid', charge = ${charge.id} where id = ${id}`;
        return { status: 201, body: { bookingId: id, status: 'paid', charge: charge.id } };
      },
    },
  ],
});
