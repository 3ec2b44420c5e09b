// Failed token checks are counted per client address and per what the token was meant to open: one session, or
// the operator calls. Past the limit every request carrying a token for that target from that address gets 429
// until the window has passed, so tokens cannot be guessed at speed. Keyed by target too because the website's
// server calls the API for all its visitors from one address: one visitor's bad cookie must not lock out the
// others. Requests without a token are not counted: they guess nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';
import { bearerToken } from '../../lib/tokens.ts';

export interface FailedTokenLimit {
  /** Failed checks one client address may make per target and window. */
  max: number;
  timeWindow: string;
}

/** Operator routes declare the operator security scheme in their schema; the others open the session in `:id`. */
function tokenTarget(request: FastifyRequest): string {
  const security = (request.routeOptions.schema as { security?: Record<string, unknown>[] } | undefined)?.security;
  if (security?.some((scheme) => 'operator' in scheme)) return 'operator';
  return `session ${(request.params as { id?: string } | undefined)?.id ?? ''}`;
}

export function installFailedTokenLimit(app: FastifyInstance, limit: FailedTokenLimit): void {
  // The socket's address: the app does not trust proxy headers, so a client cannot pick its own key.
  const failures = app.createRateLimit({
    max: limit.max,
    timeWindow: limit.timeWindow,
    keyGenerator: (request) => `${request.ip}|${tokenTarget(request)}`,
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!bearerToken(request.headers)) return;
    const state = await failures(request, { increment: false });
    if (state.isAllowed || state.remaining > 0) return;
    void reply.header('retry-after', String(state.ttlInSeconds));
    throw new HttpError(429, 'rate_limited', `too many failed token checks from this address: try again in ${state.ttlInSeconds} seconds`, {
      retryAfter: `${state.ttlInSeconds} seconds`,
    });
  });

  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode === 401 && bearerToken(request.headers)) await failures(request);
  });
}
