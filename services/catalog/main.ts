// demo-app catalog: the products on sale.
import { runService } from '../runtime/server.ts';

const products = [
  { sku: 'mug', name: 'Incident mug', price: 12.5 },
  { sku: 'hoodie', name: 'On-call hoodie', price: 49 },
  { sku: 'sticker', name: 'It was DNS sticker', price: 2 },
  { sku: 'pager', name: 'Vintage pager', price: 89 },
];

await runService({
  name: 'catalog',
  routes: [
    { method: 'GET', path: '/products', handler: async () => ({ body: { products } }) },
    {
      method: 'GET',
      path: '/products/:sku',
      handler: async ({ params }) => {
        const product = products.find((p) => p.sku === params.sku);
        return product ? { body: product } : { status: 404, body: { error: `no product ${params.sku}` } };
      },
    },
  ],
});
