// GET /api/sessions/:id/result (JSON) and its Markdown postmortem draft (result.md or ?format=markdown).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorSchema, ResultSchema } from '../contract.ts';
import type { ApiDeps } from '../deps.ts';
import { conflict } from '../errors.ts';
import { postmortemMarkdown } from '../results/postmortem.ts';
import { resultDto } from '../results/result-view.ts';
import { authorizeParticipant, eventsAfter } from '../auth/session-access.ts';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const errors = { 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export function resultRoutes(fastify: FastifyInstance, { db, library }: ApiDeps): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  async function load(request: FastifyRequest<{ Params: { id: string } }>) {
    const row = await authorizeParticipant(db, request, request.params.id);
    if (row.phase !== 'completed' || !row.result) throw conflict(`no result yet: the session is ${row.phase}`);
    const scenario = library.scenarios.get(row.scenarioId);
    return { row, scenario, result: resultDto(row, await eventsAfter(db, row.id, 0, 5000), scenario) };
  }

  const markdown = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const { row, scenario, result } = await load(request);
    return reply
      .header('content-type', 'text/markdown; charset=utf-8')
      .header('content-disposition', `attachment; filename="postmortem-${row.id}.md"`)
      .header('cache-control', 'no-store')
      .send(postmortemMarkdown(row, scenario, result));
  };

  app.get(
    '/api/sessions/:id/result',
    {
      schema: {
        tags: ['sessions'],
        params: Params,
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('markdown')])) }),
        response: { 200: ResultSchema, ...errors },
      },
    },
    async (request, reply) => {
      if (request.query.format === 'markdown') return markdown(request, reply);
      return (await load(request)).result;
    },
  );

  app.get(
    '/api/sessions/:id/result.md',
    {
      schema: {
        tags: ['sessions'],
        params: Params,
        description: 'A Markdown postmortem draft of the session.',
        response: { 200: Type.String(), ...errors },
      },
    },
    markdown,
  );
}
