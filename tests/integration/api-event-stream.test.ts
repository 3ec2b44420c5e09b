// The live event stream over a real WebSocket: each event once and in order, only the session's own,
// a reconnect resumes after the last event seen (nothing missed, nothing twice), and no token, no socket.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sessions } from '../../db/schema.ts';
import { recordEvent } from '../../activities/session-store.ts';
import { newParticipantToken } from '../../lib/tokens.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';

interface Message {
  type: 'event' | 'session';
  event?: { id: number; summary: string; detail?: unknown };
  session?: { phase: string };
}

describe('WS /api/sessions/:id/events', () => {
  let harness: Harness;
  let base: string;
  beforeAll(async () => {
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: inject('databases')[0]!.url,
    });
    const address = await harness.app.listen({ host: '127.0.0.1', port: 0 });
    base = address.replace('http', 'ws');
  });
  afterAll(async () => harness?.close());

  async function session(mode: 'learn' | 'challenge' = 'learn') {
    const id = randomUUID();
    const { token, hash } = newParticipantToken();
    await harness.database.db.insert(sessions).values({
      id,
      workflowId: `session-${id}`,
      scenarioId: 'storefront-scaled-to-zero',
      systemId: 'demo-app',
      mode,
      participantName: 'Stream',
      tokenHash: hash,
      phase: 'running',
    });
    return { id, token };
  }
  const write = (sessionId: string, n: number) =>
    recordEvent(harness.database.db, { sessionId, dedupeKey: `test:${n}`, kind: 'note', summary: `event ${n}`, detail: { n } });

  function connect(id: string, token: string | undefined, after = 0) {
    const messages: Message[] = [];
    const socket = new WebSocket(
      `${base}/api/sessions/${id}/events?after=${after}`,
      token ? ['failurelib', `bearer.${token}`] : ['failurelib'],
    );
    socket.addEventListener('message', (message) => messages.push(JSON.parse(String(message.data)) as Message));
    const opened = new Promise<boolean>((resolve) => {
      socket.addEventListener('open', () => resolve(true));
      socket.addEventListener('error', () => resolve(false));
    });
    const events = () => messages.flatMap((message) => (message.event ? [message.event] : []));
    const until = async (predicate: () => boolean, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`stream: condition not met; got ${JSON.stringify(messages)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    return { socket, opened, messages, events, until };
  }

  it("sends each of the session's events once, in order, and none of another session's", async () => {
    const mine = await session();
    const other = await session();
    await write(mine.id, 1);
    const stream = connect(mine.id, mine.token);
    expect(await stream.opened).toBe(true);
    await stream.until(() => stream.events().length === 1);
    expect(stream.messages.some((message) => message.session?.phase === 'running')).toBe(true);
    for (let n = 2; n <= 6; n += 1) {
      await write(other.id, n);
      await write(mine.id, n);
    }
    await stream.until(() => stream.events().length === 6);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stream.events().map((event) => event.summary)).toEqual(['event 1', 'event 2', 'event 3', 'event 4', 'event 5', 'event 6']);
    stream.socket.close();
  });

  it('resumes after a reconnect from the last event seen: nothing missed, nothing twice', async () => {
    const { id, token } = await session();
    const first = connect(id, token);
    await first.opened;
    await write(id, 1);
    await write(id, 2);
    await first.until(() => first.events().length === 2);
    const lastSeen = first.events().at(-1)!.id;
    first.socket.close();
    await write(id, 3);
    await write(id, 4);
    const second = connect(id, token, lastSeen);
    await second.opened;
    await write(id, 5);
    await second.until(() => second.events().length === 3);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(second.events().map((event) => event.summary)).toEqual(['event 3', 'event 4', 'event 5']);
    second.socket.close();
  });

  it("hides the engine's notes' details in Challenge mode", async () => {
    const { id, token } = await session('challenge');
    await write(id, 1);
    const stream = connect(id, token);
    await stream.until(() => stream.events().length === 1);
    expect(stream.events()[0]).not.toHaveProperty('detail');
    stream.socket.close();
  });

  it("opens no socket without the session's token", async () => {
    const { id } = await session();
    const other = await session();
    expect(await connect(id, undefined).opened).toBe(false);
    expect(await connect(id, other.token).opened).toBe(false);
  });
});
