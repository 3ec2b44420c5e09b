// Drives sessions through the real API over HTTP, the way a participant's browser and shell do.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionDto } from '../../api/contract.ts';
import { isTerminalPhase, TERMINAL_PHASES } from '../../domain/session-terms.ts';
import { callApi, type ApiResponse } from './http-client.ts';

export interface BenchSession {
  id: string;
  token: string;
  /** Index of the simulated participant (its source address). */
  from: number;
}

function expectStatus(response: ApiResponse, status: number, what: string): ApiResponse {
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
  return response;
}

export async function createSession(apiUrl: string, from = 0): Promise<BenchSession> {
  const response = expectStatus(
    await callApi(apiUrl, 'POST', '/api/sessions', {
      from,
      body: { scenarioId: 'storefront-scaled-to-zero', systemId: 'demo-app', mode: 'learn', participant: { name: `Bench ${from}` } },
    }),
    201,
    'create session',
  );
  const created = JSON.parse(response.text) as { id: string; participantToken: string };
  return { id: created.id, token: created.participantToken, from };
}

export async function getSession(apiUrl: string, session: BenchSession): Promise<SessionDto & { ms: number }> {
  const response = expectStatus(
    await callApi(apiUrl, 'GET', `/api/sessions/${session.id}`, { token: session.token, from: session.from }),
    200,
    'get session',
  );
  return { ...(JSON.parse(response.text) as SessionDto), ms: response.ms };
}

/** Polls GET /api/sessions/:id until the phase is one of `phases`; resolves with the session and when it was seen. */
export async function waitForPhase(
  apiUrl: string,
  session: BenchSession,
  phases: readonly string[],
  { timeoutMs = 120_000, intervalMs = 100 } = {},
): Promise<{ session: SessionDto; seenAt: number }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const current = await getSession(apiUrl, session);
    if (phases.includes(current.phase)) return { session: current, seenAt: performance.now() };
    if (isTerminalPhase(current.phase)) {
      throw new Error(`session ${session.id} ended ${current.phase} while waiting for ${phases.join('|')}`);
    }
    if (performance.now() > deadline)
      throw new Error(`session ${session.id} is ${current.phase}, expected ${phases.join('|')} within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** Downloads the participant kubeconfig into `dir`; returns its path. */
export async function downloadKubeconfig(apiUrl: string, session: BenchSession, dir: string): Promise<string> {
  const response = expectStatus(
    await callApi(apiUrl, 'GET', `/api/sessions/${session.id}/kubeconfig`, { token: session.token, from: session.from }),
    200,
    'kubeconfig',
  );
  const path = join(dir, `${session.id}.kubeconfig`);
  writeFileSync(path, response.text, { mode: 0o600 });
  return path;
}

export async function startSession(apiUrl: string, session: BenchSession): Promise<void> {
  expectStatus(
    await callApi(apiUrl, 'POST', `/api/sessions/${session.id}/start`, { token: session.token, from: session.from }),
    200,
    'start',
  );
}

/** Abandons the session unless it has already ended (409); the workflow then tears its sandbox down. */
export async function abandonSession(apiUrl: string, session: BenchSession): Promise<void> {
  const response = await callApi(apiUrl, 'POST', `/api/sessions/${session.id}/abandon`, { token: session.token, from: session.from });
  if (response.status !== 202 && response.status !== 409) expectStatus(response, 202, 'abandon');
}

/** Abandons every session and waits until each has ended (so its sandbox is gone: teardown runs first). */
export async function abandonAll(apiUrl: string, sessions: readonly BenchSession[], timeoutMs = 180_000): Promise<void> {
  const outcomes = await Promise.allSettled(
    sessions.map(async (session) => {
      await abandonSession(apiUrl, session);
      await waitForPhase(apiUrl, session, TERMINAL_PHASES, { timeoutMs, intervalMs: 1000 });
    }),
  );
  const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [String(outcome.reason)] : []));
  if (failures.length > 0) throw new Error(`${failures.length} sessions did not end: ${failures.slice(0, 3).join('; ')}`);
}
