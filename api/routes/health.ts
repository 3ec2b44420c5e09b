// GET /api/health: whether each dependency answers.
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { HealthSchema } from '../contract.ts';

async function within(ms: number, check: () => Promise<unknown>): Promise<boolean> {
  const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, ms, false).unref());
  return Promise.race([
    check().then(
      () => true,
      () => false,
    ),
    timeout,
  ]);
}

export function healthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/health', { schema: { tags: ['health'], response: { 200: HealthSchema, 503: HealthSchema } } }, async (_request, reply) => {
    const [temporal, db, cluster] = await Promise.all([
      within(2000, () => deps.temporal.connection.workflowService.getSystemInfo({})),
      within(2000, async () => {
        if (!(await deps.pingDb())) throw new Error('db down');
      }),
      within(2000, deps.pingCluster),
    ]);
    const ok = temporal && db && cluster;
    return reply.status(ok ? 200 : 503).send({ ok, temporal, db, cluster });
  });
}
