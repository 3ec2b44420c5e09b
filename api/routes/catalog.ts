// GET /api/systems and GET /api/scenarios: the library as the website shows it, per mode.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { ModeSchema, ScenarioSummarySchema, SystemSchema, type ScenarioSummaryDto } from '../contract.ts';

export function catalogRoutes(fastify: FastifyInstance, { library, identities }: ApiDeps): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/systems', { schema: { tags: ['catalog'], response: { 200: Type.Array(SystemSchema) } } }, async () =>
    [...library.systems.values()].map(({ system }) => ({
      id: system.metadata.name,
      name: system.spec.name,
      description: system.spec.description,
      services: system.spec.services,
    })),
  );

  app.get(
    '/api/scenarios',
    {
      schema: {
        tags: ['catalog'],
        querystring: Type.Object({ mode: Type.Optional(ModeSchema) }),
        response: { 200: Type.Array(ScenarioSummarySchema) },
      },
    },
    async (request) => {
      const scenarios = [...library.scenarios.values()];
      if (request.query.mode === 'challenge') {
        // Ordered by codename: the Learn catalog's order must not pair the two lists up.
        return scenarios
          .map((scenario): ScenarioSummaryDto => ({ ...identities.challenge(scenario), systemIds: scenario.spec.systems, tags: [] }))
          .sort((a, b) => a.id.localeCompare(b.id));
      }
      return scenarios.map((scenario): ScenarioSummaryDto => ({
        id: scenario.metadata.name,
        systemIds: scenario.spec.systems,
        difficulty: scenario.spec.difficulty,
        parTimeSeconds: scenario.spec.parTimeSeconds,
        tags: scenario.spec.tags,
        title: scenario.spec.title,
        rootCause: scenario.spec.rootCause,
      }));
    },
  );
}
