// A small HTTP client for the real API over TCP. Each simulated participant can call from its own loopback
// address (127.0.0.2, 127.0.0.3, …): the API rate-limits session creation per client address (20 a minute),
// and a hundred participants behind one address is not what the benchmarks want to measure.
import { Agent, request } from 'node:http';

export interface ApiResponse {
  status: number;
  text: string;
  /** Wall time from sending the request to the last byte of the response. */
  ms: number;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Index of the simulated participant: picks the loopback source address. */
  from?: number;
  /** Further request headers (e.g. `idempotency-key`). */
  headers?: Record<string, string>;
}

const agents = new Map<string, Agent>();

export function sourceAddress(from: number): string {
  // 127.0.0.0/8 is all loopback on Linux; skip .0 and .255 in each octet.
  const n = Math.abs(Math.trunc(from));
  return `127.0.${(Math.floor(n / 254) % 254) + 1}.${(n % 254) + 1}`;
}

function agentFor(localAddress: string): Agent {
  let agent = agents.get(localAddress);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 64, localAddress });
    agents.set(localAddress, agent);
  }
  return agent;
}

export function callApi(
  baseUrl: string,
  method: string,
  path: string,
  { token, body, from = 0, headers = {} }: CallOptions = {},
): Promise<ApiResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      {
        method,
        agent: agentFor(sourceAddress(from)),
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ms: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export function closeAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}
