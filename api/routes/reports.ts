// Failure reports: anyone files one (a draft first if they like, idempotently by their client key), a reviewer
// categorises, merges duplicates and publishes; everyone reads reports, their similar reports and scenarios, and
// attaches remediations.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorSchema } from '../contract.ts';
import type { ApiDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { requireReviewer, reviewerRole } from '../auth/reviewer.ts';
import {
  AuditEntrySchema,
  CreateRemediationSchema,
  IdempotencyHeadersSchema,
  OptionalIdempotencyHeadersSchema,
  RemediationSchema,
  ReportCreatedSchema,
  ReportIdParams,
  ReportInputSchema,
  ReportListQuerySchema,
  ReportSchema,
  ReportSummarySchema,
  ReviewSchema,
} from '../reports/report-contract.ts';
import { refreshReportBehaviour } from '../reports/behaviour.ts';
import { addRemediation, auditTrail, reviewReport, saveReport } from '../reports/report-store.ts';
import { listReports, remediationWithHistory, reportDto, requireReport } from '../reports/report-view.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export function reportRoutes(fastify: FastifyInstance, deps: ApiDeps): void {
  const { db, config, library } = deps;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const reviewerOnly = async (request: FastifyRequest) => {
    requireReviewer(config, request);
  };

  app.post(
    '/api/reports',
    {
      // Anyone may file: a client address may save a report (or a draft) 30 times a minute.
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['reports'],
        headers: IdempotencyHeadersSchema,
        body: ReportInputSchema,
        response: { 200: ReportCreatedSchema, 201: ReportCreatedSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { row, created } = await saveReport(db, request.headers['idempotency-key'], request.body);
      request.log.info({ reportId: row.id, status: row.status, created }, 'report saved');
      return reply.status(created ? 201 : 200).send({ id: row.id, status: row.status });
    },
  );

  app.get(
    '/api/reports',
    { schema: { tags: ['reports'], querystring: ReportListQuerySchema, response: { 200: Type.Array(ReportSummarySchema), ...errors } } },
    async (request) => {
      const { status = 'published', q, tag, limit } = request.query;
      if (status === 'draft') throw badRequest('drafts are kept by their authors only');
      // Reports waiting for review, rejected ones and duplicates are the reviewers' worklist.
      if (status !== 'published') requireReviewer(config, request);
      return listReports(db, { q, tag, status: [status], limit });
    },
  );

  app.get(
    '/api/reports/:id',
    { schema: { tags: ['reports'], params: ReportIdParams, response: { 200: ReportSchema, ...errors } } },
    async (request) => reportDto(db, await requireReport(db, request.params.id)),
  );

  app.get(
    '/api/reports/:id/audit',
    {
      onRequest: reviewerOnly,
      schema: { tags: ['reports'], params: ReportIdParams, response: { 200: Type.Array(AuditEntrySchema), ...errors } },
    },
    async (request) => {
      await requireReport(db, request.params.id);
      const entries = await auditTrail(db, request.params.id);
      return entries.map((e) => ({ at: e.at.toISOString(), actor: e.actor, action: e.action, changes: e.changes }));
    },
  );

  app.post(
    '/api/reports/:id/review',
    {
      onRequest: reviewerOnly,
      schema: { tags: ['reports'], params: ReportIdParams, body: ReviewSchema, response: { 200: ReportSchema, ...errors } },
    },
    async (request) => {
      const role = reviewerRole(config, request) ?? 'reviewer';
      const { publications } = deps;
      const enqueued: string[] = [];
      const { row, published } = await reviewReport(
        db,
        request.params.id,
        request.body,
        role,
        (id) => library.scenarios.has(id),
        publications && (async (tx, publishing) => void enqueued.push(...(await publications.enqueue(tx, publishing)))),
      );
      // A linked session or scenario changes how the report behaved; the signature is stored for similarity.
      const behaviour = await refreshReportBehaviour(db, library, row.id);
      request.log.info({ reportId: row.id, status: row.status, role, behaviour: behaviour.length }, 'report reviewed');
      // The deliveries were committed with the publication; starting them now is only quicker than the API's next start.
      if (published) await publications?.dispatch(enqueued);
      return reportDto(db, { ...row, behaviour });
    },
  );

  app.post(
    '/api/reports/:id/remediations',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['reports'],
        params: ReportIdParams,
        headers: OptionalIdempotencyHeadersSchema,
        body: CreateRemediationSchema,
        response: { 200: Type.Object({ id: Type.String() }), 201: Type.Object({ id: Type.String() }), ...errors },
      },
    },
    async (request, reply) => {
      const { id, created } = await addRemediation(db, request.params.id, request.body, request.headers['idempotency-key']);
      // The fix's kubectl steps are part of the report's behaviour.
      if (created) await refreshReportBehaviour(db, library, request.params.id);
      return reply.status(created ? 201 : 200).send({ id });
    },
  );

  app.get(
    '/api/remediations/:id',
    { schema: { tags: ['reports'], params: ReportIdParams, response: { 200: RemediationSchema, ...errors } } },
    async (request) => remediationWithHistory(db, request.params.id),
  );
}
