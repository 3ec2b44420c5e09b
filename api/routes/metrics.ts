// GET /metrics: the API process's Prometheus metrics, to loopback and FL_METRICS_ALLOW only (404 to anyone else,
// as if there were no such route). Not part of the public API document.
import type { FastifyInstance } from 'fastify';
import { count } from 'drizzle-orm';
import { PHASES } from '../../domain/session-terms.ts';
import { sessions } from '../../db/schema.ts';
import { apiRequests, metricsAccess, registry, sessionsByPhase } from '../../lib/metrics.ts';
import type { ApiDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';

export function metricsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const allowed = metricsAccess(deps.config.metricsAllow);
  app.addHook('onResponse', async (request, reply) => {
    apiRequests.inc({ method: request.method, route: request.routeOptions.url ?? 'unmatched', code: reply.statusCode });
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!allowed(request.socket.remoteAddress)) throw new HttpError(404, 'not_found', 'no route GET /metrics');
    const rows = await deps.db.select({ phase: sessions.phase, sessions: count() }).from(sessions).groupBy(sessions.phase);
    for (const phase of PHASES) sessionsByPhase.set({ phase }, rows.find((row) => row.phase === phase)?.sessions ?? 0);
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
}
