// The PostgreSQL server restarted while a session is running: activities that could not write retry, the
// session completes after the repair, no event is lost or written twice, and a live stream that was
// cut reconnects from its last event and sees the rest.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { migrateDatabase } from '../../db/client.ts';
import { freePort } from '../../infra/lib/ports.ts';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, kubectl, namespaceExists, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

describe('PostgreSQL restarted mid-session', () => {
  let postgres: PostgresServer;
  let harness: Harness;
  beforeAll(async () => {
    postgres = await startPostgresServer(await freePort());
    await migrateDatabase(postgres.url);
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: postgres.url,
    });
  });
  afterAll(async () => {
    await harness?.close();
    await postgres?.stop();
  });

  it('completes the session with every event once, and the stream resumes', async () => {
    const { app, kube } = harness;
    const base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws');
    const { id, participantToken: token } = await createSession(app);
    await waitForPhase(app, id, token, ['ready']);
    const kubeconfig = await participantKubeconfig(app, id, token);
    expect(
      (await app.inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(200);
    await waitForPhase(app, id, token, ['running']);

    const seen: number[] = [];
    const open = (after: number) => {
      const socket = new WebSocket(`${base}/api/sessions/${id}/events?after=${after}`, ['failurelib', `bearer.${token}`]);
      socket.addEventListener('message', (message) => {
        const parsed = JSON.parse(String(message.data)) as { event?: { id: number } };
        if (parsed.event) seen.push(parsed.event.id);
      });
      return socket;
    };
    const first = open(0);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    await postgres.restart();
    first.close();
    expect((await kubectl(kubeconfig, ['scale', 'deployment/storefront', '--replicas=2'])).ok).toBe(true);
    const done = await waitForPhase(app, id, token, ['completed'], 120_000);
    const second = open(seen.at(-1) ?? 0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    second.close();

    expect(done.repairedAt).toBeDefined();
    const summaries = done.events.filter((event) => event.kind === 'phase').map((event) => event.summary);
    expect(summaries).toEqual(expect.arrayContaining(['SLA green and holding: repaired', 'Session completed']));
    expect(new Set(summaries).size).toBe(summaries.length);
    // The stream, across the reconnect, delivered exactly the stored events: none missed, none twice.
    expect(seen).toEqual(done.events.map((event) => event.id));
    expect(await namespaceExists(kube, sandboxNamespace(id))).toBe(false);
  }, 180_000);
});
