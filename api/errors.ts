// API errors: one shape `{ error: { code, message } }`, statuses chosen in one place, 5xx details only in the log.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details?: unknown;
  constructor(statusCode: number, code: string, message: string, details?: unknown) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const unauthorized = (message = 'a valid participant token is required') => new HttpError(401, 'unauthorized', message);
export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'bad_request', message, details);
export const unavailable = (message: string) => new HttpError(503, 'unavailable', message);

/**
 * Errors the router raises before any route runs (a malformed URL, an over-long path parameter) skip the
 * error handler; this gives them the same shape. Passed to Fastify as `frameworkErrors`.
 */
export function frameworkErrorReply(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  void reply.status(status).send({
    error: { code: 'bad_request', message: error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is too long' : 'malformed URL' },
  });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      return reply
        .status(error.statusCode)
        .send({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
    }
    if (error.validation) {
      const details = error.validation.map((issue) => {
        // A missing or unknown property is named in full (`participant.name`), not just by its parent object.
        const property = issue.params?.missingProperty ?? issue.params?.additionalProperty;
        const field = [issue.instancePath.replaceAll('/', '.').replace(/^\./, ''), property].filter(Boolean).join('.');
        return { field: field || '(body)', message: issue.message };
      });
      return reply.status(400).send({ error: { code: 'validation_failed', message: `invalid request: ${error.message}`, details } });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status < 500) return reply.status(status).send({ error: { code: error.code ?? 'bad_request', message: error.message } });
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ error: { code: 'internal', message: 'something went wrong on our side; it has been logged' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );
}
