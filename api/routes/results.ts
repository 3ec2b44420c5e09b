// GET /api/sessions/:id/result and the event leaderboard.
import { Type } from '@sinclair/typebox';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { sessions } from '../../db/schema.ts';
import { ErrorSchema } from '../contract.ts';
import type { ApiDeps } from '../deps.ts';
import { conflict } from '../errors.ts';
import { authorizeParticipant, eventsAfter } from '../session-access.ts';
import { eventDto } from '../session-view.ts';

interface StoredResult { score: number; breakdown: Record<string, number>; timeToRepairSeconds: number }

const ResultSchema = Type.Object({
  score: Type.Integer(),
  breakdown: Type.Record(Type.String(), Type.Number()),
  timeToRepairSeconds: Type.Integer(),
  replay: Type.Array(Type.Object({ at: Type.String(), kind: Type.String(), summary: Type.String(), detail: Type.Optional(Type.Unknown()) })),
  rootCause: Type.Optional(Type.String()),
  explanation: Type.Optional(Type.String()),
  solution: Type.Optional(Type.Array(Type.String())),
});

export function resultRoutes(app: FastifyInstance, { db, library }: ApiDeps): void {
  app.get<{ Params: { id: string } }>('/api/sessions/:id/result', {
    schema: { tags: ['sessions'], params: Type.Object({ id: Type.String() }), response: { 200: ResultSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema } },
  }, async (request) => {
    const row = await authorizeParticipant(db, request, request.params.id);
    const result = row.result as StoredResult | null;
    if (row.phase !== 'completed' || !result) throw conflict(`no result yet: the session is ${row.phase}`);
    const scenario = library.scenarios.get(row.scenarioId);
    const events = await eventsAfter(db, row.id, 0, 5000);
    return {
      ...result,
      replay: events.map((event) => eventDto(event, 'learn')),
      ...(scenario ? { rootCause: scenario.spec.rootCause, explanation: scenario.spec.explanation, solution: scenario.spec.solutions[0]?.commands ?? [] } : {}),
    };
  });

  app.get<{ Params: { eventId: string } }>('/api/events/:eventId/leaderboard', {
    schema: { tags: ['events'], params: Type.Object({ eventId: Type.String({ minLength: 1, maxLength: 100 }) }) },
  }, async (request) => {
    const rows = await db.select().from(sessions)
      .where(and(eq(sessions.eventId, request.params.eventId), eq(sessions.phase, 'completed'), isNotNull(sessions.result)));
    // Best score per person per scenario; a person is their badge id, or their name without one.
    const people = new Map<string, { name: string; badgeId?: string; best: Map<string, { score: number; seconds: number }> }>();
    for (const row of rows) {
      const key = row.badgeId ? `badge:${row.badgeId}` : `name:${row.participantName.toLowerCase()}`;
      const person = people.get(key) ?? { name: row.participantName, ...(row.badgeId ? { badgeId: row.badgeId } : {}), best: new Map() };
      const result = row.result as StoredResult;
      const previous = person.best.get(row.scenarioId);
      if (!previous || result.score > previous.score) person.best.set(row.scenarioId, { score: result.score, seconds: result.timeToRepairSeconds });
      people.set(key, person);
    }
    const scenarioCount = library.scenarios.size;
    const ranked = [...people.values()].map((person) => {
      const best = [...person.best.values()];
      return {
        name: person.name, ...(person.badgeId ? { badgeId: person.badgeId } : {}),
        totalScore: best.reduce((sum, b) => sum + b.score, 0), solved: best.length,
        totalTimeSeconds: best.reduce((sum, b) => sum + b.seconds, 0), allSolved: best.length >= scenarioCount,
      };
    }).sort((a, b) => b.totalScore - a.totalScore || a.totalTimeSeconds - b.totalTimeSeconds);
    return ranked.map((row, index) => ({ rank: index + 1, ...row }));
  });
}
