// travel-logic payment-provider: the outside payment provider's API, as the shop sees it. Only its sandbox
// (`/sandbox/v2`) accepts this shop's test key; the live API (`/v2`) refuses it with 401.
import { randomBytes } from 'node:crypto';
import { HttpError, runService } from '../runtime/server.ts';

async function refuseTestKey(): Promise<never> {
  throw new HttpError(401, 'invalid API key: sk_test_ keys only work against the sandbox (/sandbox/v2)');
}

await runService({
  name: 'payment-provider',
  routes: [
    {
      method: 'POST',
      path: '/sandbox/v2/charges',
      handler: async ({ body }) => {
        const { reference, amount } = (body ?? {}) as { reference?: unknown; amount?: unknown };
        if (typeof reference !== 'string' || typeof amount !== 'number') throw new HttpError(400, 'reference and amount are required');
        return {
          status: 201,
          body: { id: `ch_${randomBytes(8).toString('hex')}`, reference, amount, status: 'succeeded', environment: 'sandbox' },
        };
      },
    },
    {
      method: 'GET',
      path: '/sandbox/v2/account',
      handler: async () => ({ body: { account: 'acct_travel_logic', environment: 'sandbox' } }),
    },
    { method: 'GET', path: '/v2/account', handler: refuseTestKey },
    { method: 'POST', path: '/v2/charges', handler: refuseTestKey },
  ],
});
