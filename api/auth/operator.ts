// Operator-only calls (event setup, badge scanners, time extensions) carry the operator token from config.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.ts';
import { unauthorized } from '../errors.ts';
import { bearerToken, hashToken, tokenMatches } from '../../lib/tokens.ts';

export function requireOperator(config: Config, request: FastifyRequest): void {
  const token = bearerToken(request.headers);
  // Compared as hashes in constant time; with no operator token configured every operator call is refused.
  if (!config.operatorToken || !token || !tokenMatches(token, hashToken(config.operatorToken)))
    throw unauthorized('an operator token is required');
}
