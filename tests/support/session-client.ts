// Drives sessions through the public API the way the website does, for tests.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import type { SessionDto } from '../../api/contract.ts';
import { requireTool } from '../../infra/lib/tools.ts';
import { statusOf, type Kube } from '../../cluster/kube.ts';

const run = promisify(execFile);

/** What these helpers need of the API: Fastify's inject in the test's process, or the same over HTTP (httpApi). */
export interface ApiClient {
  inject(request: {
    method: 'GET' | 'POST' | 'PUT' | 'DELETE';
    url: string;
    payload?: Record<string, unknown>;
    headers?: Record<string, string>;
  }): Promise<{ statusCode: number; body: string; json(): unknown }>;
}

/** An API served at `base` (http://host:port), reached over HTTP like the website reaches it. */
export function httpApi(base: string): ApiClient {
  return {
    async inject({ method, url, payload, headers }) {
      const response = await fetch(new URL(url, base), {
        method,
        headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
      const body = await response.text();
      return { statusCode: response.status, body, json: () => JSON.parse(body) as unknown };
    },
  };
}

export async function createSession(app: ApiClient, body: Record<string, unknown> = {}) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/sessions',
    payload: {
      scenarioId: 'storefront-scaled-to-zero',
      systemId: 'demo-app',
      mode: 'learn',
      participant: { name: 'Test Participant' },
      ...body,
    },
  });
  if (response.statusCode !== 201) throw new Error(`create session: ${response.statusCode} ${response.body}`);
  return response.json() as { id: string; participantToken: string; phase: string };
}

export async function getSession(app: ApiClient, id: string, token: string): Promise<SessionDto> {
  const response = await app.inject({ method: 'GET', url: `/api/sessions/${id}`, headers: { authorization: `Bearer ${token}` } });
  if (response.statusCode !== 200) throw new Error(`get session: ${response.statusCode} ${response.body}`);
  return response.json() as SessionDto;
}

export async function waitForPhase(app: ApiClient, id: string, token: string, phases: string[], timeoutMs = 90_000): Promise<SessionDto> {
  const deadline = Date.now() + timeoutMs;
  let session = await getSession(app, id, token);
  while (!phases.includes(session.phase)) {
    if (Date.now() > deadline) throw new Error(`session ${id} is ${session.phase}, expected ${phases.join('|')} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    session = await getSession(app, id, token);
  }
  return session;
}

export async function participantKubeconfig(app: ApiClient, id: string, token: string): Promise<string> {
  const response = await app.inject({
    method: 'GET',
    url: `/api/sessions/${id}/kubeconfig`,
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.statusCode !== 200) throw new Error(`kubeconfig: ${response.statusCode} ${response.body}`);
  const path = join(tmpdir(), `fl-${id}.kubeconfig`);
  writeFileSync(path, response.body, { mode: 0o600 });
  return path;
}

/** Runs the real kubectl binary; resolves with its output, or its error output on failure. */
export async function kubectl(kubeconfig: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout } = await run(requireTool('kubectl'), ['--kubeconfig', kubeconfig, ...args], { timeout: 30_000 });
    return { ok: true, out: stdout };
  } catch (error) {
    return { ok: false, out: String((error as { stderr?: string }).stderr ?? error) };
  }
}

export async function namespaceExists(kube: Kube, name: string): Promise<boolean> {
  try {
    await kube.core.readNamespace({ name });
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}
