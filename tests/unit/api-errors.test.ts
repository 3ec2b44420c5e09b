// The API's one error shape: chosen statuses for known errors, and a 500 that tells the caller nothing
// internal while the log keeps the detail.
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { conflict, installErrorHandler, notFound } from '../../api/errors.ts';

async function appWithRoutes() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const app = Fastify({ logger: { level: 'error', stream } });
  installErrorHandler(app);
  app.get('/boom', async () => {
    throw new Error('connect ECONNREFUSED 10.0.0.7:5432 user=failurelib password=hunter2');
  });
  app.get('/gone', async () => {
    throw notFound('session');
  });
  app.get('/busy', async () => {
    throw conflict('the session has already ended');
  });
  await app.ready();
  return { app, lines };
}

describe('the API error handler', () => {
  it('hides an unexpected error behind a generic 500 and logs the detail', async () => {
    const { app, lines } = await appWithRoutes();
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'internal', message: expect.any(String) } });
    for (const secret of ['ECONNREFUSED', '10.0.0.7', 'hunter2', 'at ']) expect(response.body).not.toContain(secret);
    expect(lines.join('\n')).toContain('ECONNREFUSED 10.0.0.7');
    await app.close();
  });

  it('sends known errors with their status and code', async () => {
    const { app } = await appWithRoutes();
    expect((await app.inject({ method: 'GET', url: '/gone' })).json()).toEqual({
      error: { code: 'not_found', message: 'session not found' },
    });
    const busy = await app.inject({ method: 'GET', url: '/busy' });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.code).toBe('conflict');
    await app.close();
  });

  it('answers an unknown route with a 404 in the same shape', async () => {
    const { app } = await appWithRoutes();
    const response = await app.inject({ method: 'GET', url: '/api/nowhere?token=secret' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('not_found');
    expect(response.body).not.toContain('secret');
    await app.close();
  });
});
