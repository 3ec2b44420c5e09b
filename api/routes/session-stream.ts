// WS /api/sessions/:id/events: the session's events as they happen, resuming after ?after=<event id>.
// Every socket of the process is fed by one EventHub, so the database load does not grow with browsers.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Mode } from '../../domain/session-terms.ts';
import type { ApiDeps } from '../deps.ts';
import { EventHub } from '../live/event-hub.ts';
import { authorizeParticipant } from '../auth/session-access.ts';
import { eventDto, sessionDto } from '../sessions/session-view.ts';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Query = Type.Object({ after: Type.Optional(Type.String({ maxLength: 20 })) });

export function sessionStreamRoutes(fastify: FastifyInstance, { db, library, identities }: ApiDeps): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const hub = new EventHub(db, { onError: (error) => app.log.warn({ err: error }, 'event stream poll failed') });
  app.addHook('onClose', async () => hub.close());

  app.get(
    '/api/sessions/:id/events',
    {
      websocket: true,
      schema: { tags: ['sessions'], params: Params, querystring: Query },
      // Auth before the upgrade: a refused socket never opens.
      preValidation: async (request) => {
        await authorizeParticipant(db, request, request.params.id);
      },
    },
    (socket, request) => {
      const sessionId = request.params.id;
      const after = Math.max(0, Number.parseInt(request.query.after ?? '0', 10) || 0);
      let mode: Mode | undefined;
      let unsubscribe: (() => void) | undefined;
      let closed = false;
      socket.on('close', () => {
        closed = true;
        unsubscribe?.();
      });
      socket.on('message', () => {
        /* the stream is one-way; messages from the client are ignored */
      });
      const pending: Parameters<typeof eventDto>[0][] = [];
      void hub
        .subscribe(sessionId, after, {
          onEvent: (event) => {
            // Events can arrive before the first session row tells the mode: hold them until it does.
            if (mode) socket.send(JSON.stringify({ type: 'event', event: eventDto(event, mode) }));
            else pending.push(event);
          },
          onSession: (row) => {
            mode = row.mode;
            for (const event of pending.splice(0)) socket.send(JSON.stringify({ type: 'event', event: eventDto(event, row.mode) }));
            socket.send(JSON.stringify({ type: 'session', session: sessionDto(row, [], library, identities) }));
          },
        })
        .then(
          (stop) => {
            if (closed) stop();
            else unsubscribe = stop;
          },
          (error: unknown) => {
            request.log.warn({ err: error, sessionId }, 'event stream could not start');
            socket.close(1011, 'stream unavailable');
          },
        );
    },
  );
}
