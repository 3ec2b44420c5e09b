// Runs a Search Job to completion: create, poll (checking pendingErrors every time), page through the
// records, and always delete the job.
import { setTimeout as sleep } from 'node:timers/promises';
import { coerceRecord, type SumoClient } from './client.ts';
import type { CookieJar } from './cookies.ts';
import { SumoApiError, SumoJobExpiredError } from './errors.ts';

export interface SearchRequest {
  query: string;
  from: number;
  to: number;
  /** Receipt time keeps a job over "the last N seconds" from missing late-indexed lines. */
  byReceiptTime?: boolean;
}

export interface SearchOptions {
  pollMs?: number;
  maxWaitMs?: number;
  pageSize?: number;
  signal?: AbortSignal;
}

interface JobStatus {
  state: string;
  recordCount?: number;
  pendingErrors?: string[];
  pendingWarnings?: string[];
}

const DONE = new Set(['DONE GATHERING RESULTS', 'DONE GATHERING HISTOGRAM', 'FORCE PAUSED']);

export type SearchRecord = Record<string, string | number>;

export async function runSearch(client: SumoClient, request: SearchRequest, options: SearchOptions = {}): Promise<SearchRecord[]> {
  const { pollMs = 1000, maxWaitMs = 60_000, pageSize = 10_000, signal } = options;
  const jar = client.forkJar();
  const created = await client.request<{ id: string }>(
    'POST',
    'v1/search/jobs',
    {
      query: request.query,
      from: request.from,
      to: request.to,
      timeZone: 'UTC',
      byReceiptTime: request.byReceiptTime ?? false,
    },
    jar,
  );
  const id = created.body?.id ?? created.headers.get('location')?.split('/').pop();
  if (!id) throw new SumoApiError(created.status, 'searchjob.no.id', 'Sumo Logic created a search job but returned no id');
  const path = `v1/search/jobs/${encodeURIComponent(id)}`;
  try {
    const deadline = Date.now() + maxWaitMs;
    let status: JobStatus;
    for (;;) {
      status = await poll(client, path, jar);
      if (status.pendingErrors && status.pendingErrors.length > 0) {
        throw new SumoApiError(400, 'searchjob.query.error', status.pendingErrors.join('; '));
      }
      if (DONE.has(status.state)) break;
      if (status.state === 'CANCELLED') throw new SumoJobExpiredError(410, 'searchjob.cancelled', `search job ${id} was cancelled`);
      if (Date.now() > deadline)
        throw new SumoApiError(504, 'searchjob.timeout', `search job ${id} not done after ${maxWaitMs} ms (state ${status.state})`);
      await sleep(pollMs, undefined, { signal });
    }
    const records: SearchRecord[] = [];
    for (let offset = 0; offset < (status.recordCount ?? 0); offset += pageSize) {
      const page = await client.request<{ records?: { map: Record<string, string> }[] }>(
        'GET',
        `${path}/records?offset=${offset}&limit=${pageSize}`,
        undefined,
        jar,
      );
      const rows = page.body?.records ?? [];
      records.push(...rows.map((row) => coerceRecord(row.map)));
      if (rows.length < pageSize) break;
    }
    return records;
  } finally {
    await client.remove(path, jar).catch(() => {}); // best effort: an unpolled job also expires on its own
  }
}

async function poll(client: SumoClient, path: string, jar: CookieJar): Promise<JobStatus> {
  try {
    return (await client.request<JobStatus>('GET', path, undefined, jar)).body;
  } catch (error) {
    if (error instanceof SumoApiError && error.status === 404)
      throw new SumoJobExpiredError(404, error.code, `search job expired: ${error.message}`);
    throw error;
  }
}
