// travel-logic payment: charges through the payment provider's API at PROVIDER_URL (its sandbox for this shop).
// At start it checks its API key with the provider (GET /account) and exits when the provider refuses it.
import { requiredEnv } from '../runtime/env.ts';
import { callOk } from '../runtime/http-client.ts';
import { HttpError, runService } from '../runtime/server.ts';
import { checkAtStart } from '../runtime/startup.ts';

const providerUrl = requiredEnv('PROVIDER_URL');

await runService({
  name: 'payment',
  async init() {
    const refused = (error: unknown) => / answered 4\d\d/.test(String((error as Error).message));
    await checkAtStart(`checking the API key with ${providerUrl}`, async () => void (await callOk(`${providerUrl}/account`)), refused);
  },
  routes: [
    {
      method: 'POST',
      path: '/charges',
      handler: async ({ body }) => {
        const { reference, amount } = (body ?? {}) as { reference?: unknown; amount?: unknown };
        if (typeof reference !== 'string' || typeof amount !== 'number')
          throw new HttpError(400, 'body must be {"reference": string, "amount": number}');
        const charge = await callOk(`${providerUrl}/charges`, {
          method: 'POST',
          body: { reference, amount, currency: 'EUR' },
          timeoutMs: 3000,
        });
        return { status: 201, body: charge };
      },
    },
  ],
});
