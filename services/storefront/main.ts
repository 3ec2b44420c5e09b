// demo-app storefront: the shop's page and its API, in front of catalog (CATALOG_URL), cart (CART_URL) and
// checkout (CHECKOUT_URL).
import { requiredEnv } from '../runtime/env.ts';
import { callOk } from '../runtime/http-client.ts';
import { HttpError, runService } from '../runtime/server.ts';

const catalogUrl = requiredEnv('CATALOG_URL');
const cartUrl = requiredEnv('CART_URL');
const checkoutUrl = requiredEnv('CHECKOUT_URL');

interface Product {
  sku: string;
  name: string;
  price: number;
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function page(products: Product[]): string {
  const rows = products.map((p) => `<li>${escape(p.name)} — ${p.price.toFixed(2)} €</li>`).join('');
  return `<!doctype html><html><head><title>Demo shop</title></head><body><h1>Demo shop</h1><ul>${rows}</ul></body></html>`;
}

const products = async () => ((await callOk(`${catalogUrl}/products`)) as { products: Product[] }).products;

await runService({
  name: 'storefront',
  routes: [
    { method: 'GET', path: '/', handler: async () => ({ body: page(await products()), contentType: 'text/html; charset=utf-8' }) },
    { method: 'GET', path: '/api/products', handler: async () => ({ body: { products: await products() } }) },
    {
      method: 'GET',
      path: '/api/cart/:user',
      handler: async ({ params }) => ({ body: await callOk(`${cartUrl}/carts/${encodeURIComponent(params.user ?? '')}`) }),
    },
    {
      method: 'POST',
      path: '/api/cart/:user/items',
      handler: async ({ params, body }) => ({
        status: 201,
        body: await callOk(`${cartUrl}/carts/${encodeURIComponent(params.user ?? '')}/items`, { method: 'POST', body }),
      }),
    },
    {
      method: 'POST',
      path: '/api/checkout',
      handler: async ({ body }) => {
        if (typeof (body as { user?: unknown } | undefined)?.user !== 'string') throw new HttpError(400, 'body must be {"user": string}');
        return { status: 201, body: await callOk(`${checkoutUrl}/orders`, { method: 'POST', body, timeoutMs: 5000 }) };
      },
    },
  ],
});
