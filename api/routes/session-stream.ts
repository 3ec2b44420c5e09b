// WS /api/sessions/:id/events: the session's events as they happen, resuming after ?after=<event id>.
// Fed by polling the events table (cheap, indexed) so it works on PGlite too, where NOTIFY does not
// cross connections.
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { authorizeParticipant, eventsAfter, findSession } from '../session-access.ts';
import { eventDto, sessionDto } from '../session-view.ts';

const POLL_MS = 500;

export function sessionStreamRoutes(app: FastifyInstance, { db, library }: ApiDeps): void {
  app.get<{ Params: { id: string }; Querystring: { after?: string } }>('/api/sessions/:id/events', {
    websocket: true,
    // Auth before the upgrade: a refused socket never opens.
    preValidation: async (request) => { await authorizeParticipant(db, request, request.params.id); },
  }, (socket, request) => {
    const sessionId = request.params.id;
    let lastId = Number.parseInt(request.query.after ?? '0', 10) || 0;
    let lastPhase = '';
    let lastSla = '';
    let closed = false;
    let busy = false;
    socket.on('close', () => { closed = true; clearInterval(timer); });
    socket.on('message', () => { /* the stream is one-way; messages from the client are ignored */ });
    const push = async () => {
      if (busy || closed) return;
      busy = true;
      try {
        const row = await findSession(db, sessionId);
        if (!row) throw new HttpError(404, 'not_found', 'session not found');
        const events = await eventsAfter(db, sessionId, lastId);
        for (const event of events) {
          socket.send(JSON.stringify({ type: 'event', event: eventDto(event, row.mode) }));
          lastId = event.id;
        }
        if (row.phase !== lastPhase || row.slaStatus !== lastSla || events.length > 0) {
          lastPhase = row.phase;
          lastSla = row.slaStatus;
          socket.send(JSON.stringify({ type: 'session', session: sessionDto(row, [], library) }));
        }
      } catch (error) {
        request.log.warn({ err: error, sessionId }, 'event stream poll failed');
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void push(), POLL_MS);
    void push();
  });
}
