// Events: operators create them and register badges (one scan at a time or a CSV import); everyone may read
// an event and its leaderboard (the big screen at the booth polls it).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { eventParticipants, events } from '../../db/schema.ts';
import {
  CreateEventSchema,
  ErrorSchema,
  EventSchema,
  LeaderboardRowSchema,
  ParticipantSchema,
  RegisterParticipantSchema,
} from '../contract.ts';
import type { ApiDeps } from '../deps.ts';
import { badRequest, conflict, HttpError } from '../errors.ts';
import { eventDto, eventLeaderboard, requireEvent } from '../events/event-views.ts';
import { requireOperator } from '../auth/operator.ts';
import { parseParticipantsCsv } from '../events/participants-csv.ts';

const EventParams = Type.Object({ id: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const CSV_LIMIT_BYTES = 2 * 1024 * 1024;

export function eventRoutes(fastify: FastifyInstance, { db, library, identities, config }: ApiDeps): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Before the body is read or validated: a caller without the token learns nothing about the input rules.
  const operatorOnly = async (request: FastifyRequest) => requireOperator(config, request);
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_LIMIT_BYTES }, (_request, body, done) => done(null, body));

  app.post(
    '/api/events',
    {
      onRequest: operatorOnly,
      schema: { tags: ['operators'], security: [{ operator: [] }], body: CreateEventSchema, response: { 201: EventSchema, ...errors } },
    },
    async (request, reply) => {
      const body = request.body;
      const problems = body.scenarioIds.flatMap((id, index) =>
        library.scenarios.has(id) ? [] : [{ field: `scenarioIds.${index}`, message: `no scenario "${id}" in the library` }],
      );
      if (Date.parse(body.endsAt) <= Date.parse(body.startsAt)) problems.push({ field: 'endsAt', message: 'must be after startsAt' });
      if (problems.length > 0) throw badRequest(`invalid event: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);
      const [created] = await db
        .insert(events)
        .values({
          id: body.id,
          name: body.name,
          startsAt: new Date(body.startsAt),
          endsAt: new Date(body.endsAt),
          scenarioIds: body.scenarioIds,
          mode: body.mode ?? 'challenge',
        })
        .onConflictDoNothing()
        .returning();
      if (!created) throw conflict(`an event "${body.id}" already exists`);
      request.log.info({ eventId: created.id }, 'event created');
      return reply.status(201).send(await eventDto(db, library, identities, created));
    },
  );

  app.get(
    '/api/events/:id',
    {
      schema: { tags: ['events'], params: EventParams, response: { 200: EventSchema, ...errors } },
    },
    async (request) => eventDto(db, library, identities, await requireEvent(db, request.params.id)),
  );

  app.get(
    '/api/events/:id/leaderboard',
    {
      schema: { tags: ['events'], params: EventParams, response: { 200: Type.Array(LeaderboardRowSchema), ...errors } },
    },
    async (request) => eventLeaderboard(db, library, identities, await requireEvent(db, request.params.id)),
  );

  app.post(
    '/api/events/:id/participants',
    {
      onRequest: operatorOnly,
      schema: {
        tags: ['operators'],
        security: [{ operator: [] }],
        params: EventParams,
        body: RegisterParticipantSchema,
        response: { 201: ParticipantSchema, ...errors },
      },
    },
    async (request, reply) => {
      const event = await requireEvent(db, request.params.id);
      const { badgeId, name } = request.body;
      const [created] = await db
        .insert(eventParticipants)
        .values({ eventId: event.id, badgeId, name: name.trim() })
        .onConflictDoNothing()
        .returning();
      if (!created) throw conflict(`badge ${badgeId} is already registered for ${event.id}`);
      return reply.status(201).send({ eventId: created.eventId, badgeId: created.badgeId, name: created.name });
    },
  );

  app.post(
    '/api/events/:id/participants/import',
    {
      bodyLimit: CSV_LIMIT_BYTES,
      onRequest: operatorOnly,
      schema: {
        tags: ['operators'],
        security: [{ operator: [] }],
        params: EventParams,
        description: 'CSV (`text/csv`) with the header `badgeId,name`; all or nothing: one bad line and nothing is written.',
        response: { 200: Type.Object({ imported: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      const event = await requireEvent(db, request.params.id);
      if (typeof request.body !== 'string') throw new HttpError(415, 'unsupported_media_type', 'send the CSV as text/csv');
      const { participants, problems } = parseParticipantsCsv(request.body);
      if (problems.length > 0) throw badRequest(`line ${problems[0]!.line}: ${problems[0]!.message}`, problems);
      await db.transaction(async (tx) => {
        const inserted = await tx
          .insert(eventParticipants)
          .values(participants.map(({ badgeId, name }) => ({ eventId: event.id, badgeId, name })))
          .onConflictDoNothing()
          .returning({ badgeId: eventParticipants.badgeId });
        if (inserted.length === participants.length) return;
        // Throwing rolls the whole import back.
        const fresh = new Set(inserted.map((row) => row.badgeId));
        const taken = participants
          .filter((p) => !fresh.has(p.badgeId))
          .map((p) => ({ line: p.line, message: `badge ${p.badgeId} is already registered` }));
        throw new HttpError(409, 'conflict', `line ${taken[0]!.line}: ${taken[0]!.message}; nothing was imported`, taken);
      });
      request.log.info({ eventId: event.id, imported: participants.length }, 'participants imported');
      return { imported: participants.length };
    },
  );
}
