// Verifying a remediation (reviewers and operators): a headless session of the report's scenario with the
// remediation's commands as the solution, run by the `verifyRemediation` workflow (`verify-remediation-<id>-<digest>`
// in the Temporal UI, its session a child workflow). The verdict is read from the remediation (GET
// /api/remediations/:id), with the history of verdicts. Editing a remediation's commands re-verifies it.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorSchema } from '../contract.ts';
import type { ApiDeps } from '../deps.ts';
import { requireReviewer, reviewerRole } from '../auth/reviewer.ts';
import { EditRemediationSchema, RemediationSchema } from '../reports/report-contract.ts';
import { editRemediation } from '../reports/report-store.ts';
import { remediationWithHistory, requireReport } from '../reports/report-view.ts';
import { startVerification } from '../reports/verification-start.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 100 }), rid: Type.String({ maxLength: 100 }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 503: ErrorSchema };

export function verificationRoutes(fastify: FastifyInstance, deps: ApiDeps): void {
  const { db, config } = deps;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const reviewerOnly = async (request: FastifyRequest) => {
    requireReviewer(config, request);
  };
  app.post(
    '/api/reports/:id/remediations/:rid/verify',
    {
      onRequest: reviewerOnly,
      schema: {
        tags: ['reports'],
        params: Params,
        response: {
          202: Type.Object({ workflowId: Type.String(), sessionId: Type.String(), status: Type.Literal('verifying') }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const report = await requireReport(db, request.params.id);
      const started = (await startVerification(deps, {
        reportId: report.id,
        remediationId: request.params.rid,
        actor: reviewerRole(config, request) ?? 'reviewer',
        trigger: 'requested',
      }))!;
      request.log.info({ remediationId: request.params.rid, ...started }, 'verification started');
      return reply.status(202).send({ workflowId: started.workflowId, sessionId: started.sessionId, status: 'verifying' as const });
    },
  );

  // An edit of the commands makes the verdict stale: the remediation is verified again when its report has a scenario.
  app.patch(
    '/api/reports/:id/remediations/:rid',
    {
      onRequest: reviewerOnly,
      schema: { tags: ['reports'], params: Params, body: EditRemediationSchema, response: { 200: RemediationSchema, ...errors } },
    },
    async (request) => {
      const report = await requireReport(db, request.params.id);
      const role = reviewerRole(config, request) ?? 'reviewer';
      const { row, commandsChanged } = await editRemediation(db, report.id, request.params.rid, request.body, role);
      if (commandsChanged && report.scenarioId && deps.library.scenarios.has(report.scenarioId)) {
        const started = await startVerification(deps, {
          reportId: report.id,
          remediationId: row.id,
          actor: role,
          trigger: 'remediation-edited',
        });
        request.log.info({ remediationId: row.id, ...started }, 'edited remediation re-verified');
      }
      return remediationWithHistory(db, row.id);
    },
  );
}
