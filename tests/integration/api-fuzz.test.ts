// Property-based fuzzing of the public API from its own OpenAPI document: every documented route gets
// random path parameters, query strings, headers and bodies (well-formed JSON of the wrong shape, junk
// bytes, huge strings, real-looking tokens). Whatever arrives, the API answers in time, never with a 5xx,
// and every refusal has the documented error shape.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from '../support/session-harness.ts';

type Method = 'GET' | 'POST';
interface Route {
  method: Method;
  path: string;
}

const RUNS = Number(process.env.FL_FUZZ_RUNS ?? 300);

const segment = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 80 }),
  fc.constantFrom('..', '%00', '%2e%2e%2f', 'a'.repeat(300), '🙂', "' OR 1=1 --", 'null'),
);
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record(
    {
      scenarioId: fc.oneof(fc.string(), fc.constantFrom('storefront-scaled-to-zero', 'quiet-shopfront'), fc.integer()),
      systemId: fc.oneof(fc.string(), fc.constant('demo-app'), fc.constant(null)),
      mode: fc.oneof(fc.constantFrom('learn', 'challenge', 'LEARN', ''), fc.jsonValue()),
      participant: fc.oneof(
        fc.record({ name: fc.string({ maxLength: 300 }), badgeId: fc.oneof(fc.string(), fc.integer()) }, { requiredKeys: [] }),
        fc.jsonValue(),
      ),
      seconds: fc.oneof(fc.integer(), fc.double(), fc.string()),
    },
    { requiredKeys: [] },
  ),
);
const rawBody = fc.oneof(
  jsonBody.map((value) => ({ payload: JSON.stringify(value), type: 'application/json' })),
  fc.string({ maxLength: 2000 }).map((text) => ({ payload: text, type: 'application/json' })),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ payload: Buffer.from(bytes).toString('latin1'), type: 'application/octet-stream' })),
  fc.constant({ payload: '{"a":'.repeat(2000), type: 'application/json' }),
);
const authorization = fc.option(
  fc.oneof(
    fc.string().map((token) => `Bearer ${token}`),
    fc.constant('Bearer '),
    fc.constant('Basic Zm9vOmJhcg=='),
    fc.base64String({ minLength: 40, maxLength: 60 }).map((token) => `Bearer ${token}`),
  ),
  { nil: undefined },
);

describe('the public API under random input', () => {
  let harness: Harness;
  let routes: Route[];
  beforeAll(async () => {
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: inject('databases')[0]!.url,
    });
    const document = (await harness.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((method) => ['get', 'post'].includes(method))
        .map((method) => ({ method: method.toUpperCase() as Method, path })),
    );
  });
  afterAll(async () => harness?.close());

  it('documents the routes it fuzzes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(8);
  });

  it('never answers 5xx, always in time, always with the error shape', { timeout: 300_000 }, async () => {
    const request = fc.record({
      route: fc.constantFrom(...routes),
      params: fc.array(segment, { minLength: 3, maxLength: 3 }),
      query: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 40 }), { maxKeys: 3 }),
      body: rawBody,
      authorization,
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route, params, query, body, authorization: auth }) => {
        let index = 0;
        const url = route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(params[index++ % params.length] ?? 'x'));
        const started = Date.now();
        const response = await harness.app.inject({
          method: route.method,
          url,
          query,
          headers: { ...(auth ? { authorization: auth } : {}), ...(route.method === 'POST' ? { 'content-type': body.type } : {}) },
          ...(route.method === 'POST' ? { payload: body.payload } : {}),
        });
        expect(Date.now() - started, `${route.method} ${url} took too long`).toBeLessThan(10_000);
        expect(response.statusCode, `${route.method} ${url} → ${response.statusCode} ${response.body.slice(0, 300)}`).toBeLessThan(500);
        if (response.statusCode >= 400) {
          const error = response.json() as { error?: { code?: unknown; message?: unknown } };
          expect(typeof error.error?.code).toBe('string');
          expect(typeof error.error?.message).toBe('string');
        }
      }),
      { numRuns: RUNS },
    );
  });
});
