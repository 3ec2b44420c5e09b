// The three systems' programs (services/), built with esbuild and run as local processes against a real
// PostgreSQL, Redis and nginx: a user's journey works end to end and can be followed by one trace id through
// every service's log, and when a dependency breaks, the failing service's own log says why in its words.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/lib/ports.ts';
import { waitUntil } from '../../infra/lib/processes.ts';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import {
  buildPrograms,
  nginxTest,
  scenarioFaultValue,
  searchProxyConfig,
  startNginx,
  startProgram,
  startRedis,
  type Running,
} from '../support/system-services.ts';

const dir = mkdtempSync(join(tmpdir(), 'fl-system-services-'));
const logs = join(dir, 'logs');
let dist = '';
let pg: PostgresServer;
let pgPort = 0;
const started: Running[] = [];

async function run(
  program: string,
  env: Record<string, string>,
  options?: { name?: string; waitReady?: boolean; port?: number },
): Promise<Running> {
  const service = await startProgram(dist, logs, program, env, options);
  started.push(service);
  return service;
}

/** A W3C traceparent of a new trace, and its trace id. */
function newTrace(): { traceparent: string; traceId: string } {
  const traceId = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, traceId };
}

async function request(url: string, traceparent: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { traceparent, ...(init.body !== undefined && { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const linesWithTrace = (service: Running, traceId: string) => service.logLines().filter((line) => line.trace_id === traceId);

beforeAll(async () => {
  dist = await buildPrograms(dir);
  pgPort = await freePort();
  pg = await startPostgresServer(pgPort, { superuserPassword: 'pg-admin' });
  // What the official image does with POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB, for each system's database.
  const admin = postgres(pg.url, { onnotice: () => {} });
  await admin.unsafe("create user shop password 'sh0p-datastore-2024'");
  await admin.unsafe('create database shop owner shop');
  await admin.unsafe("create user booking password 'tr4vel-booking-2024'");
  await admin.unsafe('create database travel owner booking');
  await admin.end();
}, 120_000);

afterAll(async () => {
  await Promise.all(started.map((service) => service.process.stop()));
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('demo-app', () => {
  let redis: Running;
  let storefront: Running;
  let cart: Running;
  let catalog: Running;
  let checkout: Running;

  beforeAll(async () => {
    redis = await startRedis(logs);
    started.push(redis);
    catalog = await run('catalog', {});
    cart = await run('cart', { REDIS_URL: `redis://127.0.0.1:${redis.port}` });
    checkout = await run('checkout', {
      DATASTORE_ADDR: `127.0.0.1:${pgPort}`,
      CART_URL: cart.url,
      DATABASE_USER: 'shop',
      DATABASE_PASSWORD: 'sh0p-datastore-2024',
      DATABASE_NAME: 'shop',
    });
    storefront = await run('storefront', { CATALOG_URL: catalog.url, CART_URL: cart.url, CHECKOUT_URL: checkout.url });
  }, 120_000);

  it('a shopper browses, fills a cart and checks out; one trace id runs through every service and the order is in PostgreSQL', async () => {
    const { traceparent, traceId } = newTrace();
    const page = await request(`${storefront.url}/`, traceparent);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Incident mug');
    expect(
      (await request(`${storefront.url}/api/cart/ada/items`, traceparent, { method: 'POST', body: { sku: 'mug', qty: 2 } })).status,
    ).toBe(201);
    expect((await request(`${storefront.url}/api/cart/ada`, traceparent)).json()).toEqual({ user: 'ada', items: [{ sku: 'mug', qty: 2 }] });
    const order = await request(`${storefront.url}/api/checkout`, traceparent, { method: 'POST', body: { user: 'ada' } });
    expect(order.status, order.text).toBe(201);
    expect(order.json()).toMatchObject({ user: 'ada', items: [{ sku: 'mug', qty: 2 }] });

    for (const service of [storefront, catalog, cart, checkout]) {
      const lines = linesWithTrace(service, traceId);
      expect(lines.length, `${service.name} logged the trace`).toBeGreaterThan(0);
      expect(lines[0]).toMatchObject({ service: service.name, level: 'info', span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    }
    expect(linesWithTrace(checkout, traceId)[0]).toMatchObject({ method: 'POST', route: '/orders', status: 201 });
    const shop = postgres({ host: '127.0.0.1', port: pgPort, user: 'shop', password: 'sh0p-datastore-2024', database: 'shop' });
    const rows = await shop`select shopper, items from orders where id = ${String(order.json().orderId)}`;
    await shop.end();
    expect(rows).toEqual([{ shopper: 'ada', items: [{ sku: 'mug', qty: 2 }] }]);
  });

  it('/metrics counts requests and errors per route and status code', async () => {
    const { traceparent } = newTrace();
    const count = async (code: string) => {
      const text = await (await fetch(`${storefront.url}/metrics`)).text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('http_requests_total{') && l.includes('route="/api/products"') && l.includes(`code="${code}"`));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const before = await count('200');
    for (let i = 0; i < 3; i += 1) expect((await request(`${storefront.url}/api/products`, traceparent)).status).toBe(200);
    expect(await count('200')).toBe(before + 3);
    const metrics = await (await fetch(`${storefront.url}/metrics`)).text();
    const durations = metrics
      .split('\n')
      .find((l) => l.startsWith('http_request_duration_seconds_count{') && l.includes('route="/api/products"'));
    expect(durations).toContain('service="storefront"');
    expect(metrics).toContain('process_resident_memory_bytes');

    await catalog.process.stop();
    const failed = await request(`${storefront.url}/api/products`, traceparent);
    expect(failed.status).toBe(502);
    expect(failed.json().error).toMatch(/connect ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(await count('502')).toBe(1);
  });

  it('with Redis down, adding to a cart fails with a 5xx and cart logs the refused connection', async () => {
    await redis.process.stop();
    const statuses: number[] = [];
    let refused: Record<string, unknown> | undefined;
    await waitUntil(
      'a refused connection in the cart log',
      async () => {
        const { traceparent, traceId } = newTrace();
        const response = await request(`${storefront.url}/api/cart/grace/items`, traceparent, { method: 'POST', body: { sku: 'pager' } });
        statuses.push(response.status);
        refused = linesWithTrace(cart, traceId).find((line) => String(line.error).includes('ECONNREFUSED'));
        return refused !== undefined;
      },
      { timeoutMs: 10_000, intervalMs: 250 },
    );
    expect(
      statuses.every((status) => status >= 500),
      String(statuses),
    ).toBe(true);
    expect(refused).toMatchObject({ level: 'error', route: '/carts/:user/items', status: 503 });
    expect(refused?.error).toBe(`Redis redis://127.0.0.1:${redis.port}: connect ECONNREFUSED 127.0.0.1:${redis.port}`);
  });
});

describe('travel-logic', () => {
  let search: Running;
  let services: Record<string, Running>;
  let database: Record<string, string>;

  beforeAll(async () => {
    database = { DATABASE_HOST: `127.0.0.1:${pgPort}`, DATABASE_NAME: 'travel', DATABASE_USER: 'booking' };
    const db = { ...database, DATABASE_PASSWORD: 'tr4vel-booking-2024' };
    const provider = await run('payment-provider', {});
    const payment = await run('payment', { PROVIDER_URL: `${provider.url}/sandbox/v2` });
    const [flights, hotels, booking, indexer] = await Promise.all([
      run('flights', {}),
      run('hotels', {}),
      run('booking', { ...db, PAYMENT_URL: payment.url }),
      run('price-indexer', { ...db, INDEX_INTERVAL_SECONDS: '1' }),
    ]);
    services = { provider, payment, flights: flights!, hotels: hotels!, booking: booking!, indexer: indexer! };
    const port = await freePort();
    const config = searchProxyConfig(
      { flights: `127.0.0.1:${flights!.port}`, hotels: `127.0.0.1:${hotels!.port}`, booking: `127.0.0.1:${booking!.port}` },
      port,
    );
    search = await startNginx(join(dir, 'nginx'), logs, port, config);
    started.push(search);
  }, 120_000);

  it('a traveller searches through nginx and books; one trace id runs through nginx and every service, and the prices are indexed', async () => {
    const { traceparent, traceId } = newTrace();
    const flights = await request(`${search.url}/flights?from=LIS&to=BER`, traceparent);
    expect(flights.status).toBe(200);
    const offer = (flights.json().flights as { id: string; price: number }[])[0]!;
    expect((await request(`${search.url}/hotels?city=BER`, traceparent)).status).toBe(200);
    const booked = await request(`${search.url}/bookings`, traceparent, {
      method: 'POST',
      body: { user: 'ada', offer: offer.id, amount: offer.price },
    });
    expect(booked.status, booked.text).toBe(201);
    expect(booked.json()).toMatchObject({ status: 'paid', charge: expect.stringMatching(/^ch_/) });

    for (const service of [search, services.flights!, services.hotels!, services.booking!, services.payment!, services.provider!]) {
      expect(linesWithTrace(service, traceId).length, `${service.name} logged the trace`).toBeGreaterThan(0);
    }
    // nginx writes its access log line once the response is sent.
    const routes = () => linesWithTrace(search, traceId).map((l) => l.route);
    await waitUntil('nginx logged the booking', async () => routes().length === 3, { timeoutMs: 5000 });
    expect(routes()).toEqual(['/flights', '/hotels', '/bookings']);
    await waitUntil('indexed prices', async () => services.indexer!.logText().includes('indexed 56 routes'), { timeoutMs: 10_000 });
  });

  it("a wrong database password: booking exits at start with PostgreSQL's own error, and the traveller gets a 5xx", async () => {
    const wrong = await run(
      'booking',
      { ...database, DATABASE_PASSWORD: 'tr4vel-booking-2025', PAYMENT_URL: services.payment!.url },
      { name: 'booking-wrong-password', waitReady: false },
    );
    expect(await wrong.process.exited).toBe(1);
    const [line] = wrong.logLines().filter((l) => l.level === 'error');
    expect(line?.error).toContain('password authentication failed for user "booking"');

    const port = await freePort();
    const config = searchProxyConfig(
      { flights: `127.0.0.1:${services.flights!.port}`, hotels: `127.0.0.1:${services.hotels!.port}`, booking: `127.0.0.1:${wrong.port}` },
      port,
    );
    const proxy = await startNginx(join(dir, 'nginx-wrong'), logs, port, config);
    started.push(proxy);
    const { traceparent } = newTrace();
    const response = await request(`${proxy.url}/bookings`, traceparent, {
      method: 'POST',
      body: { user: 'ada', offer: 'LIS-BER-6', amount: 100 },
    });
    expect(response.status).toBe(502);
  });

  it("payment pointed at the provider's live API exits at start: the provider refuses the sandbox key", async () => {
    const payment = await run('payment', { PROVIDER_URL: `${services.provider!.url}/v2` }, { name: 'payment-live', waitReady: false });
    expect(await payment.process.exited).toBe(1);
    expect(payment.logLines().at(-1)?.error).toMatch(/answered 401: invalid API key: sk_test_ keys only work against the sandbox/);
  });

  it('the broken search-proxy config of the scenario is refused by nginx with its own [emerg] line', () => {
    const local = { flights: '127.0.0.1:1', hotels: '127.0.0.1:1', booking: '127.0.0.1:1' };
    const config = searchProxyConfig(local, 1);
    expect(nginxTest(join(dir, 'nginx-good'), config)).toMatch(/test is successful/);
    const broken = searchProxyConfig(local, 1, { 'default.conf': scenarioFaultValue('search-proxy-config-broken') });
    expect(nginxTest(join(dir, 'nginx-broken'), broken)).toMatch(/\[emerg\] .*unexpected "}"/);
  });
});

describe('multi-cloud', () => {
  it('orders go through the router to cloud a, fail over to cloud b when a is gone, and a router whose upstream does not resolve exits', async () => {
    const inventoryA = await run('inventory', { SERVICE_NAME: 'inventory-a', CLOUD: 'a' }, { name: 'inventory-a' });
    const inventoryB = await run('inventory', { SERVICE_NAME: 'inventory-b', CLOUD: 'b' }, { name: 'inventory-b' });
    const routerPort = await freePort();
    const orders = await run('orders', { INVENTORY_URL: `http://127.0.0.1:${routerPort}` });
    const router = await run(
      'router',
      { PRIMARY_UPSTREAM: `127.0.0.1:${inventoryA.port}`, SECONDARY_UPSTREAM: `127.0.0.1:${inventoryB.port}`, ORDERS_URL: orders.url },
      { port: routerPort },
    );
    const { traceparent, traceId } = newTrace();
    const placed = await request(`${router.url}/orders`, traceparent, { method: 'POST', body: { sku: 'widget', qty: 3 } });
    expect(placed.status, placed.text).toBe(201);
    expect(placed.json()).toMatchObject({ sku: 'widget', qty: 3, cloud: 'a' });
    for (const service of [router, orders, inventoryA]) expect(linesWithTrace(service, traceId).length, service.name).toBeGreaterThan(0);

    await inventoryA.process.stop();
    const failedOver = await request(`${router.url}/orders`, traceparent, { method: 'POST', body: { sku: 'widget', qty: 1 } });
    expect(failedOver.json()).toMatchObject({ cloud: 'b' });
    expect(router.logLines().some((l) => l.level === 'warn' && String(l.error).includes('ECONNREFUSED'))).toBe(true);

    const broken = await run(
      'router',
      {
        PRIMARY_UPSTREAM: 'inventory-a.invalid',
        SECONDARY_UPSTREAM: 'inventory-b.invalid',
        ORDERS_URL: orders.url,
        DEPENDENCY_WAIT_SECONDS: '0',
      },
      { name: 'router-broken', waitReady: false },
    );
    expect(await broken.process.exited).toBe(1);
    expect(broken.logLines().at(-1)?.error).toMatch(/getaddrinfo (ENOTFOUND|EAI_AGAIN) inventory-a\.invalid/);
  });
});
