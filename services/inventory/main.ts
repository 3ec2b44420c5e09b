// multi-cloud inventory: stock per SKU, reservations taken from it. One program, run in each cloud
// (CLOUD names it: inventory-a, inventory-b); stock is per replica and refills every minute.
import { HttpError, runService } from '../runtime/server.ts';

const cloud = process.env.CLOUD ?? 'unknown';
const FULL = 1000;
const stock = new Map<string, number>();
setInterval(() => stock.clear(), 60_000).unref();

const available = (sku: string) => stock.get(sku) ?? FULL;

await runService({
  name: process.env.SERVICE_NAME ?? 'inventory',
  routes: [
    {
      method: 'GET',
      path: '/inventory/:sku',
      handler: async ({ params }) => ({ body: { sku: params.sku, available: available(params.sku ?? ''), cloud } }),
    },
    {
      method: 'POST',
      path: '/inventory/:sku/reservations',
      handler: async ({ params, body }) => {
        const sku = params.sku ?? '';
        const qty = (body as { qty?: unknown } | undefined)?.qty ?? 1;
        if (typeof qty !== 'number' || !Number.isInteger(qty) || qty < 1) throw new HttpError(400, 'qty must be a positive integer');
        if (available(sku) < qty) throw new HttpError(409, `only ${available(sku)} of ${sku} left`);
        stock.set(sku, available(sku) - qty);
        return { status: 201, body: { sku, reserved: qty, cloud } };
      },
    },
  ],
});
