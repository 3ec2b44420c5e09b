// Builds the Fastify app: plugins, one error handler, and the routes of the public API contract.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import type { ApiDeps } from './deps.ts';
import { frameworkErrorReply, HttpError, installErrorHandler } from './errors.ts';
import { installFailedTokenLimit } from './auth/failed-token-limit.ts';
import { eventRoutes } from './routes/events.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { publicationRoutes } from './routes/publications.ts';
import { verificationRoutes } from './routes/verification.ts';
import { reportRoutes } from './routes/reports.ts';
import { resultRoutes } from './routes/results.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { sessionStreamRoutes } from './routes/session-stream.ts';

/** Secrets never reach the log: tokens travel in these headers. */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["sec-websocket-protocol"]', 'req.headers.cookie'];

export async function buildApp(
  deps: ApiDeps,
  logger: FastifyServerOptions['logger'] = { level: deps.config.logLevel, redact: REDACTED_PATHS },
): Promise<FastifyInstance> {
  // Unknown fields are refused (400), not silently dropped: Fastify's default Ajv strips them instead.
  const app = Fastify({
    logger,
    trustProxy: false,
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { removeAdditional: false } },
    frameworkErrors: frameworkErrorReply,
  });
  installErrorHandler(app);
  await app.register(cors, { origin: [deps.config.webOrigin], methods: ['GET', 'POST', 'PATCH'] });
  await app.register(helmet, { contentSecurityPolicy: false });
  // Over the limit: the API's one error shape, 429, with when to try again.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpError(429, 'rate_limited', `too many requests: try again in ${context.after}`, { retryAfter: context.after }),
  });
  installFailedTokenLimit(app, { max: deps.config.failedTokenLimitPerMinute, timeWindow: '1 minute' });
  await app.register(swagger, {
    openapi: {
      info: { title: 'The Failure Library API', version: '1.0.0' },
      components: { securitySchemes: { participant: { type: 'http', scheme: 'bearer' }, operator: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(websocket, {
    options: {
      maxPayload: 4096,
      // Browsers send the token as a `bearer.<token>` subprotocol; the server answers with `failurelib` only.
      handleProtocols: (protocols: Set<string>) => (protocols.has('failurelib') ? 'failurelib' : false),
    },
  });
  // The browsable docs at /api/docs; the OpenAPI document itself stays at /api/docs/json.
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  healthRoutes(app, deps);
  metricsRoutes(app, deps);
  catalogRoutes(app, deps);
  sessionRoutes(app, deps);
  resultRoutes(app, deps);
  eventRoutes(app, deps);
  reportRoutes(app, deps);
  publicationRoutes(app, deps);
  verificationRoutes(app, deps);
  sessionStreamRoutes(app, deps);
  return app;
}
