// A session with Sumo Logic monitoring (against the local fake of its documented API): the workflow wires
// a per-session dashboard whose link the participant sees, every phase change becomes a state line on
// the HTTP source (the status panel), and the dashboard is deleted when the session ends.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeSumo, type FakeSumo } from '../support/fake-sumo.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, waitForPhase } from '../support/session-client.ts';

describe('session monitoring in Sumo Logic', () => {
  let sumo: FakeSumo;
  let harness: Harness;
  beforeAll(async () => {
    sumo = await startFakeSumo();
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: inject('databases')[0]!.url,
      env: {
        SUMO_ACCESS_ID: sumo.accessId,
        SUMO_ACCESS_KEY: sumo.accessKey,
        SUMO_API_URL: sumo.apiUrl,
        SUMO_HTTP_SOURCE_URL: sumo.httpSourceUrl,
        SUMO_UI_URL: sumo.uiUrl,
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await sumo?.close();
  });

  it('shows the dashboard link, pushes each phase as a state line, and deletes the dashboard at the end', async () => {
    const { app } = harness;
    const { id, participantToken: token } = await createSession(app);
    const ready = await waitForPhase(app, id, token, ['ready']);
    expect(ready.dashboardUrl).toMatch(new RegExp(`^${sumo.uiUrl.replace(/\/$/, '')}/dashboard/`));
    expect(sumo.live().dashboards).toBe(1);

    expect(
      (await app.inject({ method: 'POST', url: `/api/sessions/${id}/abandon`, headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(202);
    await waitForPhase(app, id, token, ['abandoned']);
    for (let i = 0; i < 50 && sumo.live().dashboards > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sumo.live().dashboards).toBe(0);

    const lines = sumo.lines.map((entry) => JSON.parse(entry.line) as { sessionId: string; phase: string });
    expect(lines.filter((line) => line.sessionId === id).map((line) => line.phase)).toEqual(
      expect.arrayContaining(['provisioning', 'ready', 'abandoned']),
    );
  });
});
