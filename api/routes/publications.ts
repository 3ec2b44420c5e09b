// Publication to subscribers: the Atom feed of published reports and verified remediations (per tag, per system),
// and webhook subscriptions (operator) with their delivery log.
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { desc, eq } from 'drizzle-orm';
import { subscribers, webhookDeliveries } from '../../db/schema.ts';
import { ErrorSchema } from '../contract.ts';
import type { ApiDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { requireOperator } from '../auth/operator.ts';
import { TagSchema, VerifiedRemediationSchema } from '../reports/report-contract.ts';
import { atomFeed } from '../reports/feed.ts';
import { verifiedRemediations } from '../reports/verified-remediations.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema };
const SubscriptionSchema = Type.Object(
  {
    url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }),
    secret: Type.String({ minLength: 16, maxLength: 200 }),
    tags: Type.Optional(Type.Array(TagSchema, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
const FeedQuerySchema = Type.Object(
  { tag: Type.Optional(TagSchema), system: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+$', maxLength: 63 })) },
  { additionalProperties: false },
);
const DeliverySchema = Type.Object({
  id: Type.String(),
  publication: Type.String(),
  attempts: Type.Integer(),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export function publicationRoutes(fastify: FastifyInstance, { db, config, library }: ApiDeps): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const operatorOnly = async (request: FastifyRequest) => requireOperator(config, request);

  app.get(
    '/api/feed.atom',
    {
      schema: {
        tags: ['reports'],
        querystring: FeedQuerySchema,
      },
    },
    async (request, reply) => {
      const { tag, system } = request.query;
      if (system && !library.systems.has(system)) throw notFound(`system "${system}"`);
      const xml = await atomFeed(db, { tag, system, webOrigin: config.webOrigin, selfUrl: `${config.webOrigin}${request.url}` });
      return reply.type('application/atom+xml; charset=utf-8').send(xml);
    },
  );

  // The machine-readable side of the feed: verified remediations with their commands and detection.
  app.get(
    '/api/remediations/verified',
    {
      schema: {
        tags: ['reports'],
        querystring: FeedQuerySchema,
        response: { 200: Type.Array(VerifiedRemediationSchema), ...errors },
      },
    },
    async (request) => {
      const { tag, system } = request.query;
      if (system && !library.systems.has(system)) throw notFound(`system "${system}"`);
      return verifiedRemediations(db, library, { tag, system, webOrigin: config.webOrigin });
    },
  );

  app.post(
    '/api/subscriptions',
    {
      onRequest: operatorOnly,
      schema: { tags: ['operators'], body: SubscriptionSchema, response: { 201: Type.Object({ id: Type.String() }), ...errors } },
    },
    async (request, reply) => {
      const id = randomUUID();
      await db.insert(subscribers).values({ id, url: request.body.url, secret: request.body.secret, tags: request.body.tags ?? [] });
      request.log.info({ subscriberId: id }, 'webhook subscriber added');
      return reply.status(201).send({ id });
    },
  );

  app.get(
    '/api/subscriptions/:id/deliveries',
    {
      onRequest: operatorOnly,
      schema: {
        tags: ['operators'],
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        response: { 200: Type.Array(DeliverySchema), ...errors },
      },
    },
    async (request) => {
      const [subscriber] = await db.select({ id: subscribers.id }).from(subscribers).where(eq(subscribers.id, request.params.id));
      if (!subscriber) throw notFound(`subscription "${request.params.id}"`);
      const rows = await db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.subscriberId, subscriber.id))
        .orderBy(desc(webhookDeliveries.createdAt));
      return rows.map((row) => ({
        id: row.id,
        publication: row.publication,
        attempts: row.attempts,
        lastStatus: row.lastStatus,
        lastError: row.lastError,
        deliveredAt: row.deliveredAt?.toISOString() ?? null,
        createdAt: row.createdAt.toISOString(),
      }));
    },
  );
}
