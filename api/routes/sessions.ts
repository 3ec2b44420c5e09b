// Session routes: create, read, SLA series, kubeconfig, start, abandon, hints, extend.
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { WorkflowUpdateFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { sessions } from '../../db/schema.ts';
import { renderKubeconfig } from '../../cluster/kubeconfig.ts';
import { abandonSignal, extendTimeSignal, requestHintUpdate, startUpdate } from '../../workflows/messages.ts';
import { FlEvent, FlMode, FlParticipant, FlPhase, FlScenario, FlSystem } from '../../workflows/search-attributes.ts';
import { isTerminalPhase, type Phase } from '../../domain/session-terms.ts';
import { CreateSessionSchema, CreatedSessionSchema, ErrorSchema, PhaseSchema, SessionSchema, SlaSeriesSchema } from '../contract.ts';
import type { ApiDeps } from '../deps.ts';
import { badRequest, conflict, HttpError, notFound, unavailable } from '../errors.ts';
import { checkEventEntry } from '../events/event-entry.ts';
import { authorizeParticipant, eventsAfter, findSession } from '../auth/session-access.ts';
import { sessionPlan, workflowIdOf } from '../sessions/session-plan.ts';
import { sessionDto } from '../sessions/session-view.ts';
import { slaSeriesDto } from '../sessions/sla-series.ts';
import { newParticipantToken } from '../../lib/tokens.ts';
import { isOperator, requireOperator } from '../auth/operator.ts';
import { issueKubeCredential } from '../../gateway/credentials.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 503: ErrorSchema };
const KUBECONFIG_PHASES: readonly Phase[] = ['ready', 'injecting', 'running'];

export function sessionRoutes(fastify: FastifyInstance, deps: ApiDeps): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, temporal, library, identities, config, gateway } = deps;
  const handle = (id: string) => temporal.workflow.getHandle(workflowIdOf(id));

  app.post(
    '/api/sessions',
    {
      config: { rateLimit: { max: config.sessionCreateLimitPerMinute, timeWindow: '1 minute' } },
      schema: { tags: ['sessions'], body: CreateSessionSchema, response: { 201: CreatedSessionSchema, ...errors } },
    },
    async (request, reply) => {
      const body = request.body;
      // A Challenge id means something only in its scope: the event the session joins, or the open catalog.
      const scenario = identities.resolve(body.scenarioId, body.mode, body.eventId);
      if (!scenario)
        throw badRequest(`unknown scenario "${body.scenarioId}" in ${body.mode} mode`, [
          { field: 'scenarioId', message: 'not in the catalog for this mode' },
        ]);
      const system = library.systems.get(body.systemId);
      if (!system) throw badRequest(`unknown system "${body.systemId}"`, [{ field: 'systemId', message: 'not in the catalog' }]);
      if (!scenario.spec.systems.includes(body.systemId)) {
        throw badRequest(`this scenario does not run on system "${body.systemId}"`, [
          { field: 'systemId', message: `one of: ${scenario.spec.systems.join(', ')}` },
        ]);
      }
      // Joining an event links the session to the registered person: their name comes from the badge scan.
      const entry = body.eventId === undefined ? undefined : await checkEventEntry(db, body, scenario);
      const participant = entry ? { name: entry.participantName, badgeId: entry.badgeId } : body.participant;
      const id = randomUUID();
      const { token, hash } = newParticipantToken();
      const plan = sessionPlan(id, scenario, system, { ...body, participant }, config);
      await db.insert(sessions).values({
        id,
        workflowId: workflowIdOf(id),
        scenarioId: plan.scenarioId,
        systemId: plan.systemId,
        mode: plan.mode,
        participantName: participant.name,
        badgeId: participant.badgeId ?? null,
        eventId: entry?.eventId ?? null,
        tokenHash: hash,
        phase: 'provisioning',
      });
      try {
        await temporal.workflow.start('scenarioSession', {
          workflowId: workflowIdOf(id),
          taskQueue: config.taskQueue,
          args: [plan],
          typedSearchAttributes: new TypedSearchAttributes([
            { key: FlPhase, value: 'provisioning' },
            { key: FlScenario, value: plan.scenarioId },
            { key: FlSystem, value: plan.systemId },
            { key: FlMode, value: plan.mode },
            { key: FlParticipant, value: participant.name },
            ...(entry ? [{ key: FlEvent, value: entry.eventId }] : []),
          ]),
        });
      } catch (error) {
        // Nothing half-written: a session whose workflow never started does not exist.
        await db.delete(sessions).where(eq(sessions.id, id));
        request.log.error({ err: error, sessionId: id }, 'could not start the session workflow');
        throw unavailable('the session engine is not reachable; try again in a moment');
      }
      request.log.info({ sessionId: id, scenarioId: plan.scenarioId, workflowId: workflowIdOf(id) }, 'session created');
      return reply.status(201).send({ id, participantToken: token, phase: 'provisioning' });
    },
  );

  app.get(
    '/api/sessions/:id',
    {
      schema: { tags: ['sessions'], params: IdParams, response: { 200: SessionSchema, ...errors } },
    },
    async (request) => {
      const row = await authorizeParticipant(db, request, request.params.id);
      const events = await eventsAfter(db, row.id, 0, 1000);
      return sessionDto(row, events, library, identities);
    },
  );

  app.get(
    '/api/sessions/:id/sla-series',
    {
      schema: {
        tags: ['sessions'],
        description: 'The SLIs over time for charts (epoch ms): per objective its values, latency and red spans; the kubectl steps.',
        security: [{ participant: [] }, { operator: [] }],
        params: IdParams,
        response: { 200: SlaSeriesSchema, ...errors },
      },
    },
    async (request, reply) => {
      // The participant's token, or the operator's (a booth screen showing any session).
      const row = isOperator(config, request)
        ? await findSession(db, request.params.id)
        : await authorizeParticipant(db, request, request.params.id);
      if (!row) throw notFound('session');
      return reply.header('cache-control', 'no-store').send(await slaSeriesDto(db, row));
    },
  );

  app.get(
    '/api/sessions/:id/kubeconfig',
    {
      schema: { tags: ['sessions'], params: IdParams, response: { 200: Type.String(), ...errors } },
    },
    async (request, reply) => {
      const row = await authorizeParticipant(db, request, request.params.id);
      if (!KUBECONFIG_PHASES.includes(row.phase) || !row.namespace) {
        throw conflict(`the kubeconfig is available once the sandbox is ready and until the session ends (now: ${row.phase})`);
      }
      // The kubeconfig names the gateway, never the sandbox API server: every request is checked and recorded.
      const scenario = library.scenarios.get(row.scenarioId);
      const lifetimeSeconds = (scenario?.spec.timeLimitSeconds ?? 3600) + config.readyTimeoutSeconds;
      const token = await issueKubeCredential(db, row.id, new Date(Date.now() + lifetimeSeconds * 1000));
      const kubeconfig = renderKubeconfig({
        server: gateway.publicUrl,
        caData: gateway.caPem,
        token,
        user: 'participant',
        namespace: row.namespace,
        clusterName: `failurelib-${row.id.slice(0, 8)}`,
      });
      return reply.header('content-type', 'application/yaml').header('cache-control', 'no-store').send(kubeconfig);
    },
  );

  app.post(
    '/api/sessions/:id/start',
    {
      schema: { tags: ['sessions'], params: IdParams, response: { 200: Type.Object({ phase: PhaseSchema }), ...errors } },
    },
    async (request) => {
      const row = await authorizeParticipant(db, request, request.params.id);
      try {
        return await handle(row.id).executeUpdate(startUpdate, { args: [] });
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) throw conflict(error.cause?.message ?? `cannot start: the session is ${row.phase}`);
        if (error instanceof WorkflowNotFoundError || isTerminalPhase(row.phase))
          throw conflict(`cannot start: the session is ${row.phase}`);
        throw error;
      }
    },
  );

  app.post(
    '/api/sessions/:id/abandon',
    {
      schema: { tags: ['sessions'], params: IdParams, response: { 202: Type.Object({ phase: PhaseSchema }), ...errors } },
    },
    async (request, reply) => {
      const row = await authorizeParticipant(db, request, request.params.id);
      if (isTerminalPhase(row.phase)) throw conflict(`the session has already ended (${row.phase})`);
      await handle(row.id).signal(abandonSignal);
      return reply.status(202).send({ phase: row.phase });
    },
  );

  app.post(
    '/api/sessions/:id/hints',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['sessions'],
        params: IdParams,
        response: { 200: Type.Object({ hint: Type.String(), hintsUsed: Type.Integer(), cost: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      const row = await authorizeParticipant(db, request, request.params.id);
      try {
        return await handle(row.id).executeUpdate(requestHintUpdate, { args: [] });
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError)
          throw conflict((error.cause as Error | undefined)?.message ?? error.message);
        throw error;
      }
    },
  );

  app.post(
    '/api/sessions/:id/extend',
    {
      // The token is checked before the body is read or validated: a caller without it learns nothing about the input rules.
      onRequest: async (request) => requireOperator(config, request),
      schema: {
        tags: ['operators'],
        security: [{ operator: [] }],
        params: IdParams,
        body: Type.Object({ seconds: Type.Integer({ minimum: 1, maximum: 7200 }) }, { additionalProperties: false }),
        response: { 202: Type.Object({ extendedBy: Type.Integer() }), ...errors },
      },
    },
    async (request, reply) => {
      await handle(request.params.id)
        .signal(extendTimeSignal, request.body.seconds)
        .catch((error) => {
          if (error instanceof WorkflowNotFoundError) throw new HttpError(404, 'not_found', 'session not found or already closed');
          throw error;
        });
      return reply.status(202).send({ extendedBy: request.body.seconds });
    },
  );
}
