// GET /api/sessions/:id/sla-series on real services: a session broken by its fault and repaired with the real
// kubectl shows the red span where the SLA was red and the participant's commands as steps; only the session's
// token or the operator's reads it; a Challenge session's series names nothing of its scenario.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SlaSeriesDto } from '../../api/contract.ts';
import { isTerminalPhase, TERMINAL_PHASES } from '../../domain/session-terms.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, getSession, kubectl, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

const SCENARIO = 'storefront-scaled-to-zero';
const OPERATOR = 'operator-test-token';

async function series(app: FastifyInstance, id: string, token?: string) {
  return app.inject({
    method: 'GET',
    url: `/api/sessions/${id}/sla-series`,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

async function seriesOf(app: FastifyInstance, id: string, token: string): Promise<SlaSeriesDto> {
  const response = await series(app, id, token);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as SlaSeriesDto;
}

/** Waits until the session's SLA light reads `status`. */
async function waitForSla(app: FastifyInstance, id: string, token: string, status: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await getSession(app, id, token)).sla.status !== status) {
    if (Date.now() > deadline) throw new Error(`the SLA of ${id} did not turn ${status} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the SLA series of a session', () => {
  let harness: Harness;
  const sessions: { id: string; participantToken: string }[] = [];

  beforeAll(async () => {
    const database = inject('databases').find((db) => db.name === 'pglite') ?? inject('databases')[0]!;
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: database.url,
    });
  });

  afterAll(async () => {
    if (!harness) return;
    for (const { id, participantToken } of sessions) {
      if (!isTerminalPhase((await getSession(harness.app, id, participantToken)).phase)) {
        await harness.app.inject({
          method: 'POST',
          url: `/api/sessions/${id}/abandon`,
          headers: { authorization: `Bearer ${participantToken}` },
        });
      }
      await waitForPhase(harness.app, id, participantToken, [...TERMINAL_PHASES]);
    }
    await harness.close();
  });

  it('charts the red span between the fault and the repair, with the participant kubectl steps, to its token or the operator', async () => {
    const { app } = harness;
    const learn = await createSession(app);
    sessions.push(learn);
    const { id, participantToken: token } = learn;
    await waitForPhase(app, id, token, ['ready']);

    // Before Start: every objective read, none red, the series runs live up to now.
    const before = await seriesOf(app, id, token);
    expect(before.live).toBe(true);
    expect(before.objectives.map((o) => o.name)).toContain('storefront-reachable');
    expect(before.redSpans).toEqual([]);
    expect(Math.abs(before.to - Date.now())).toBeLessThan(10_000);

    const kubeconfig = await participantKubeconfig(app, id, token);
    await app.inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: { authorization: `Bearer ${token}` } });
    await waitForSla(app, id, token, 'red');
    const broken = await seriesOf(app, id, token);
    const storefrontBroken = broken.objectives.find((o) => o.name === 'storefront-reachable')!;
    // Still red now: the open span runs to the series' end, and the latest reading is below the target.
    expect(storefrontBroken.redSpans.at(-1)?.to).toBe(broken.to);
    expect(storefrontBroken.values.at(-1)).toBe(0);
    expect(storefrontBroken.summary).toMatch(/^storefront-reachable: red for \d+ s in 1 span, red now; latest reading 0 \(target 2\)\.$/);

    expect((await kubectl(kubeconfig, ['get', 'deployment', 'storefront'])).ok).toBe(true);
    expect((await kubectl(kubeconfig, ['scale', 'deployment/storefront', '--replicas=2'])).ok).toBe(true);
    const done = await waitForPhase(app, id, token, ['completed']);

    const after = await seriesOf(app, id, token);
    expect(after.live).toBe(false);
    expect(after.startedAt).toBe(Date.parse(done.startedAt!));
    expect(after.to).toBe(Date.parse(done.endedAt!));
    expect(after.times).toEqual([...after.times].sort((a, b) => a - b));
    for (const objective of after.objectives) expect(objective.values).toHaveLength(after.times.length);
    // One red span: it opens after Start and closes by the repair, and the storefront reads 0 in it, 2 after it.
    const storefront = after.objectives.find((o) => o.name === 'storefront-reachable')!;
    expect(storefront.redSpans).toHaveLength(1);
    const [red] = storefront.redSpans;
    expect(red!.from).toBeGreaterThanOrEqual(after.startedAt!);
    expect(red!.to).toBeLessThanOrEqual(Date.parse(done.repairedAt!));
    expect(after.redSpans).toEqual(storefront.redSpans);
    expect(storefront.values[after.times.indexOf(red!.from)]).toBe(0);
    expect(storefront.values.at(-1)).toBe(2);
    expect(storefront.summary).toMatch(/^storefront-reachable: red for \d+ s in 1 span; latest reading 2 \(target 2\)\.$/);
    // The participant's commands, in order, inside the red span: the read, then the fix that changed something.
    const commands = after.steps.map((step) => [step.command, step.change]);
    const get = commands.findIndex(([command]) => command === 'kubectl get deployment storefront');
    const fix = commands.findIndex(([command]) => /^kubectl scale deployment\/storefront.*0→2/.test(String(command)));
    expect(get).toBeGreaterThanOrEqual(0);
    expect(fix).toBeGreaterThan(get);
    expect(commands[get]![1]).toBe(false);
    expect(commands[fix]![1]).toBe(true);
    expect(after.steps[fix]!.at).toBeGreaterThan(red!.from);
    expect(after.steps[fix]!.at).toBeLessThanOrEqual(red!.to);

    // The operator reads any session; nobody else does, and an unknown id stays unknown to both.
    expect(await seriesOf(app, id, OPERATOR)).toEqual(after);
    expect((await series(app, id)).statusCode).toBe(401);
    expect((await series(app, id, 'not-the-token')).statusCode).toBe(401);
    expect((await series(app, '00000000-0000-0000-0000-000000000000', OPERATOR)).statusCode).toBe(404);
    expect((await series(app, '00000000-0000-0000-0000-000000000000', token)).statusCode).toBe(404);
  });

  it('in Challenge mode names the objectives but nothing of the scenario, its fault or its objectives descriptions', async () => {
    const { app, library } = harness;
    const scenario = library.scenarios.get(SCENARIO)!;
    const system = library.systems.get('demo-app')!;
    const challenge = await createSession(app, { mode: 'challenge', scenarioId: harness.challengeId(SCENARIO) });
    sessions.push(challenge);
    const { id, participantToken: token } = challenge;
    await waitForPhase(app, id, token, ['ready']);
    await app.inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: { authorization: `Bearer ${token}` } });
    await waitForSla(app, id, token, 'red');

    const response = await series(app, id, token);
    expect(response.statusCode).toBe(200);
    const body = response.json() as SlaSeriesDto;
    expect(body.redSpans.length).toBeGreaterThan(0);
    expect(body.objectives.map((o) => o.name).sort()).toEqual(system.system.spec.objectives.map((o) => o.name).sort());
    const faultTypes = scenario.spec.steps.flatMap((step) => ('fault' in step ? [step.fault.type] : []));
    expect(faultTypes.length).toBeGreaterThan(0);
    const secrets = [
      SCENARIO,
      scenario.spec.title,
      scenario.spec.rootCause,
      scenario.spec.codename,
      ...faultTypes,
      ...system.system.spec.objectives.flatMap((o) => (o.description ? [o.description] : [])),
    ];
    for (const secret of secrets) expect(response.body).not.toContain(secret);
  });
});
