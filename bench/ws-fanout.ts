// WebSocket fan-out: many clients on `WS /api/sessions/:id/events` of one session; events are written into
// session_events directly and timed until each client receives them. Baseline: one client.
import { setTimeout as sleep } from 'node:timers/promises';
import { desc, eq } from 'drizzle-orm';
import { recordEvent } from '../activities/session-store.ts';
import type { Database } from '../db/client.ts';
import { sessionEvents } from '../db/schema.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { metric } from './lib/result.ts';
import { abandonAll, createSession, waitForPhase, type BenchSession } from './lib/sessions.ts';
import { startServices } from './lib/stack.ts';

const MARK = 'bench fan-out ';

interface FanOut {
  latenciesMs: number[];
  missed: number;
}

async function lastEventId(db: Database, sessionId: string): Promise<number> {
  const [row] = await db
    .select({ id: sessionEvents.id })
    .from(sessionEvents)
    .where(eq(sessionEvents.sessionId, sessionId))
    .orderBy(desc(sessionEvents.id))
    .limit(1);
  return row?.id ?? 0;
}

function connect(url: string, token: string, onEvent: (marker: string, at: number) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, ['failurelib', `bearer.${token}`]);
    socket.addEventListener('open', () => resolve(socket), { once: true });
    socket.addEventListener('error', () => reject(new Error(`WebSocket ${url} failed to open`)), { once: true });
    socket.addEventListener('message', (message) => {
      const at = performance.now();
      const data = JSON.parse(String(message.data)) as { type: string; event?: { summary: string } };
      if (data.type === 'event' && data.event?.summary.startsWith(MARK)) onEvent(data.event.summary, at);
    });
  });
}

async function fanOut(
  apiUrl: string,
  db: Database,
  session: BenchSession,
  clients: number,
  events: number,
  round: string,
): Promise<FanOut> {
  const url = `${apiUrl.replace('http', 'ws')}/api/sessions/${session.id}/events?after=${await lastEventId(db, session.id)}`;
  const received = new Map<string, number[]>();
  const sockets: WebSocket[] = [];
  // Connect in batches: hundreds of simultaneous handshakes would measure the accept queue, not the fan-out.
  for (let first = 0; first < clients; first += 50) {
    const batch = Array.from({ length: Math.min(50, clients - first) }, () =>
      connect(url, session.token, (marker, at) => {
        const times = received.get(marker) ?? [];
        times.push(at);
        received.set(marker, times);
      }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  await sleep(1500);
  const sentAt = new Map<string, number>();
  for (let index = 0; index < events; index += 1) {
    const marker = `${MARK}${round} ${index}`;
    sentAt.set(marker, performance.now());
    await recordEvent(db, { sessionId: session.id, dedupeKey: `bench:${round}:${index}`, kind: 'note', summary: marker, at: new Date() });
    // A random gap, so events land at every point of the stream's 500 ms poll cycle.
    await sleep(1000 + Math.random() * 500);
  }
  await sleep(3000);
  for (const socket of sockets) socket.close();
  const latenciesMs = [...sentAt].flatMap(([marker, sent]) => (received.get(marker) ?? []).map((at) => at - sent));
  return { latenciesMs, missed: clients * events - latenciesMs.length };
}

export const benchmark: Benchmark = {
  name: 'ws-fanout',
  title: 'WebSocket fan-out',
  description:
    "One session in `ready`; C clients (Node's WebSocket, token as the `bearer.<token>` subprotocol) connect to " +
    '`WS /api/sessions/:id/events?after=<last id>` of the one API process. Events are then written straight into `session_events` ' +
    "about every 1–1.5 s, and each client's receive time is taken against the moment just before the insert. Baseline: 1 client, same events.",
  async run({ quick, infra, database, log }) {
    const clients = quick ? 100 : 500;
    const events = quick ? 5 : 20;
    const services = await startServices(infra, 'ws-fanout');
    const session = await createSession(services.apiUrl, 0);
    try {
      await waitForPhase(services.apiUrl, session, ['ready']);
      const one = await fanOut(services.apiUrl, database.db, session, 1, events, 'baseline');
      log(`1 client: ${one.latenciesMs.length} deliveries, ${one.missed} missed`);
      const many = await fanOut(services.apiUrl, database.db, session, clients, events, 'many');
      log(`${clients} clients: ${many.latenciesMs.length} deliveries, ${many.missed} missed`);
      return {
        params: { clients, events, streamPollMs: 500 },
        metrics: [
          metric(`event → client latency, ${clients} clients`, 'ms', many.latenciesMs, {
            baseline: { label: '1 client', samples: one.latenciesMs },
            goal: { stat: 'p95', max: 250 },
          }),
          metric('deliveries missed', '', [many.missed + one.missed], { goal: { stat: 'p95', max: 0 } }),
        ],
        notes: ['The clients run in the benchmark process; its own event loop delay is part of the measured latency.'],
      };
    } finally {
      await abandonAll(services.apiUrl, [session]).catch(() => {});
      await services.stop();
    }
  },
};
