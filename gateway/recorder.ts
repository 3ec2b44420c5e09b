// Writes what the gateway saw: every request into kube_requests, and each successful change also as a
// `kube` session event so the live stream and the replay show it. Called after the response is sent;
// every string is made storable first (a NUL in a body would otherwise fail the insert), and a record that
// still fails is written again without its body, so no change goes unrecorded; a failure of that is logged
// and never reaches the participant.
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/client.ts';
import { kubeRequests, sessionEvents, type NewKubeRequestRow, type RecordedChange } from '../db/schema.ts';
import { isWriteVerb } from '../domain/session-terms.ts';
import type { KubeRequestInfo } from './kube-url.ts';
import { describeChange } from './steps.ts';
import { storable } from './storable.ts';

export type { RecordedChange };
export type RequestRecord = Omit<NewKubeRequestRow, 'id'>;

export async function recordRequest(db: Database, unsafe: RequestRecord): Promise<void> {
  const record = storable(unsafe);
  const [row] = await db
    .insert(kubeRequests)
    .values({ ...record, change: record.change ?? null })
    .returning({ id: kubeRequests.id });
  if (!row || !isWriteVerb(record.verb) || record.status >= 400 || isDryRun(record.query)) return;
  await db
    .insert(sessionEvents)
    .values({
      sessionId: record.sessionId,
      dedupeKey: `kube:${row.id}`,
      kind: 'kube',
      at: record.at ?? new Date(),
      summary: describeChange({ ...record, apiGroup: record.apiGroup ?? '' }),
      detail: { verb: record.verb, resource: record.resource, name: record.name ?? null, diff: record.change?.diff ?? [] },
    })
    .onConflictDoNothing({ target: [sessionEvents.sessionId, sessionEvents.dedupeKey] });
}

function isDryRun(query: string | null | undefined): boolean {
  return new URLSearchParams(query ?? '').has('dryRun');
}

/** Fire and forget: recording must never slow down or break forwarding. */
export function recordInBackground(db: Database, logger: FastifyBaseLogger, record: RequestRecord): void {
  const context = { sessionId: record.sessionId, verb: record.verb, resource: record.resource };
  recordRequest(db, record)
    .catch((error: unknown) => {
      logger.warn({ err: error, ...context }, 'could not record a gateway request; recording it without its body');
      const change = record.change ? { body: { unrecordable: 'the body could not be stored' }, diff: record.change.diff ?? [] } : undefined;
      return recordRequest(db, { ...record, change }).catch(() =>
        recordRequest(db, { ...record, change: { body: { unrecordable: 'the change could not be stored' } } }),
      );
    })
    .catch((error: unknown) => {
      logger.error({ err: error, ...context }, 'could not record a gateway request');
    });
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' ? value.slice(0, 500) : null;
}

/** The row for one request, once its status is known; latency runs from `started` (performance.now()). */
export function requestRecord(
  sessionId: string,
  info: KubeRequestInfo,
  headers: IncomingHttpHeaders,
  started: number,
  status: number,
  change?: RecordedChange,
): RequestRecord {
  return {
    sessionId,
    at: new Date(),
    verb: info.verb,
    apiGroup: info.apiGroup,
    resource: info.resource,
    namespace: info.namespace ?? null,
    name: info.name ?? null,
    subresource: info.subresource ?? null,
    status,
    latencyMs: Math.round(performance.now() - started),
    command: header(headers, 'kubectl-command'),
    clientSession: header(headers, 'kubectl-session'),
    query: info.query.toString().slice(0, 1000) || null,
    change,
  };
}
