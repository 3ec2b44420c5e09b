// Operator-only calls (event setup, badge scanners, time extensions) carry the operator token from config.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.ts';
import { unauthorized } from '../errors.ts';
import { bearerToken, hashToken, tokenMatches } from '../../lib/tokens.ts';

/** True when the request carries the operator token (compared as hashes in constant time); never without one configured. */
export function isOperator(config: Config, request: FastifyRequest): boolean {
  const token = bearerToken(request.headers);
  return Boolean(config.operatorToken && token && tokenMatches(token, hashToken(config.operatorToken)));
}

export function requireOperator(config: Config, request: FastifyRequest): void {
  if (!isOperator(config, request)) throw unauthorized('an operator token is required');
}
