// The Temporal server restarted mid-session (the dev server persists to a db file): the worker and the
// API reconnect by themselves, the session goes on from where it was, completes after the repair, and
// its sandbox is deleted.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { freePort } from '../../infra/lib/ports.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/temporal/dev-server.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, kubectl, namespaceExists, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

describe('Temporal dev server restarted mid-session', () => {
  const dir = inject('servicesDir');
  const dbFile = join(dir, 'restart', 'temporal.db');
  let ports: { port: number; uiPort: number };
  let server: TemporalDevServer | undefined;
  let harness: Harness | undefined;
  const startServer = async (n: number) =>
    (server = await startTemporalDevServer({ ...ports, dbFile, logFile: join(dir, `restart-temporal-${n}.log`) }));

  beforeAll(async () => {
    ports = { port: await freePort(), uiPort: await freePort() };
    await startServer(1);
    harness = await startHarness({
      temporalAddress: (server as TemporalDevServer).address,
      kubeconfig: inject('kubeconfig'),
      databaseUrl: inject('databases')[0]!.url,
    });
  });
  afterAll(async () => {
    await harness?.close();
    await server?.stop();
  });

  it('completes the running session after the server comes back', async () => {
    const { app, kube } = harness as Harness;
    const { id, participantToken: token } = await createSession(app);
    await waitForPhase(app, id, token, ['ready']);
    const kubeconfig = await participantKubeconfig(app, id, token);
    expect(
      (await app.inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(200);
    await waitForPhase(app, id, token, ['running']);

    await server?.stop();
    // The participant keeps working while the engine is away: the cluster does not depend on Temporal.
    expect((await kubectl(kubeconfig, ['scale', 'deployment/storefront', '--replicas=2'])).ok).toBe(true);
    await startServer(2);

    const done = await waitForPhase(app, id, token, ['completed'], 120_000);
    expect(done.repairedAt).toBeDefined();
    expect(done.events.filter((event) => event.kind === 'phase').map((event) => event.summary)).toEqual(
      expect.arrayContaining(['SLA green and holding: repaired', 'Session completed']),
    );
    expect(await namespaceExists(kube, sandboxNamespace(id))).toBe(false);
  }, 180_000);
});
