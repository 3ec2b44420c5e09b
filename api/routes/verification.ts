// Verifying a remediation (reviewers and operators): a headless session of the report's scenario with the
// remediation's commands as the solution, run by the `verifyRemediation` workflow (`verify-remediation-<id>` in the
// Temporal UI, its session a child workflow). The verdict is read from the remediation (GET /api/remediations/:id).
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { and, eq } from 'drizzle-orm';
import { remediations, sessions } from '../../db/schema.ts';
import { newParticipantToken } from '../../lib/tokens.ts';
import type { VerificationInput } from '../../workflows/types.ts';
import { ErrorSchema } from '../contract.ts';
import type { ApiDeps } from '../deps.ts';
import { conflict, unavailable } from '../errors.ts';
import { requireReviewer, reviewerRole } from '../auth/reviewer.ts';
import { markVerifying } from '../reports/report-store.ts';
import { requireReport } from '../reports/report-view.ts';
import { sessionPlan, workflowIdOf } from '../sessions/session-plan.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 100 }), rid: Type.String({ maxLength: 100 }) });

export const verificationWorkflowId = (remediationId: string) => `verify-remediation-${remediationId}`;

export function verificationRoutes(fastify: FastifyInstance, { db, config, library, temporal }: ApiDeps): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/api/reports/:id/remediations/:rid/verify',
    {
      onRequest: async (request: FastifyRequest) => {
        requireReviewer(config, request);
      },
      schema: {
        tags: ['reports'],
        params: Params,
        response: {
          202: Type.Object({ workflowId: Type.String(), sessionId: Type.String(), status: Type.Literal('verifying') }),
          400: ErrorSchema,
          401: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const report = await requireReport(db, request.params.id);
      const scenario = report.scenarioId ? library.scenarios.get(report.scenarioId) : undefined;
      if (!scenario) throw conflict('the report is linked to no scenario of the library: a reviewer links one first');
      const systemId = scenario.spec.systems[0]!;
      const system = library.systems.get(systemId)!;
      const [remediation] = await db
        .select()
        .from(remediations)
        .where(and(eq(remediations.id, request.params.rid), eq(remediations.reportId, report.id)));
      const sessionId = randomUUID();
      const role = reviewerRole(config, request) ?? 'reviewer';
      await markVerifying(db, report.id, request.params.rid, role, sessionId);
      const plan = {
        ...sessionPlan(
          sessionId,
          scenario,
          system,
          { scenarioId: scenario.metadata.name, systemId, mode: 'learn', participant: { name: 'verification' } },
          config,
        ),
        timeLimitSeconds: config.verifyTimeLimitSeconds,
      };
      await db.insert(sessions).values({
        id: sessionId,
        workflowId: workflowIdOf(sessionId),
        scenarioId: plan.scenarioId,
        systemId,
        mode: 'learn',
        participantName: 'verification',
        tokenHash: newParticipantToken().hash,
        phase: 'provisioning',
      });
      const input: VerificationInput = {
        remediationId: remediation!.id,
        commands: remediation!.commands,
        plan,
        sessionWorkflowId: workflowIdOf(sessionId),
      };
      const workflowId = verificationWorkflowId(remediation!.id);
      try {
        await temporal.workflow.start('verifyRemediation', { workflowId, taskQueue: config.taskQueue, args: [input] });
      } catch (error) {
        await db.delete(sessions).where(eq(sessions.id, sessionId));
        await db.update(remediations).set({ status: remediation!.status }).where(eq(remediations.id, remediation!.id));
        if (error instanceof WorkflowExecutionAlreadyStartedError) throw conflict('this remediation is being verified already');
        request.log.error({ err: error, remediationId: remediation!.id }, 'could not start the verification workflow');
        throw unavailable('the session engine is not reachable; try again in a moment');
      }
      request.log.info({ remediationId: remediation!.id, workflowId, sessionId }, 'verification started');
      return reply.status(202).send({ workflowId, sessionId, status: 'verifying' as const });
    },
  );
}
