// Report review (tags, duplicates, publication, verification) takes the reviewer token or the operator token.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.ts';
import { unauthorized } from '../errors.ts';
import { bearerToken, hashToken, tokenMatches } from '../../lib/tokens.ts';

export type ReviewerRole = 'reviewer' | 'operator';

/** The role the request's token grants, or undefined (no token, or neither configured token). */
export function reviewerRole(config: Config, request: FastifyRequest): ReviewerRole | undefined {
  const token = bearerToken(request.headers);
  if (!token) return undefined;
  if (config.operatorToken && tokenMatches(token, hashToken(config.operatorToken))) return 'operator';
  if (config.reviewerToken && tokenMatches(token, hashToken(config.reviewerToken))) return 'reviewer';
  return undefined;
}

export function requireReviewer(config: Config, request: FastifyRequest): ReviewerRole {
  const role = reviewerRole(config, request);
  if (!role) throw unauthorized('a reviewer or operator token is required');
  return role;
}
