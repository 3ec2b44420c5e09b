// Failed token checks (participant and operator tokens) are counted per client address: past the limit every
// request carrying a token from that address is refused with 429 until the window has passed, so tokens
// cannot be guessed at speed. Requests without a token are not counted: they guess nothing.
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.ts';
import { bearerToken } from './tokens.ts';

export interface FailedTokenLimit {
  /** Failed checks one client address may make per window. */
  max: number;
  timeWindow: string;
}

export function installFailedTokenLimit(app: FastifyInstance, limit: FailedTokenLimit): void {
  // Keyed by the socket's address (the app does not trust proxy headers, so a client cannot pick its key).
  const failures = app.createRateLimit({ max: limit.max, timeWindow: limit.timeWindow, keyGenerator: (request) => request.ip });

  app.addHook('onRequest', async (request, reply) => {
    if (!bearerToken(request.headers)) return;
    const state = await failures(request, { increment: false });
    if (state.isAllowed || state.remaining > 0) return;
    void reply.header('retry-after', String(state.ttlInSeconds));
    throw new HttpError(429, 'rate_limited', `too many failed token checks from this address: try again in ${state.ttlInSeconds} seconds`, { retryAfter: `${state.ttlInSeconds} seconds` });
  });

  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode === 401 && bearerToken(request.headers)) await failures(request);
  });
}
