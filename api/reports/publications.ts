// Telling subscribers from the API: a published report becomes one delivery per subscriber whose tags it matches,
// and so do the verified remediations it already has (those verified later are published by the verification
// activities). The outbox and its dispatch are db/publications.ts, shared with the worker.
import type { Client } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { dispatchDeliveries, enqueuePublication, enqueueVerifiedRemediations, type Tx } from '../../db/publications.ts';
import { remediations, type ReportRow } from '../../db/schema.ts';
import type { Library } from '../../scenarios/lib/load.ts';
import { reportFields } from './report-view.ts';

/** What subscribers receive about a published report (the feed carries the same). */
export function reportPublication(row: ReportRow, webOrigin: string) {
  return {
    type: 'report.published' as const,
    report: { ...reportFields(row), url: `${webOrigin}/reports/${encodeURIComponent(row.id)}` },
  };
}

/** The outbox side: the report's publication and its verified remediations', written in the caller's transaction. */
export async function enqueueReportPublished(tx: Tx, row: ReportRow, webOrigin: string, library: Library): Promise<string[]> {
  return [
    ...(await enqueuePublication(tx, `report-published:${row.id}`, row.tags, reportPublication(row, webOrigin))),
    ...(await enqueueVerifiedRemediations(tx, library, webOrigin, [eq(remediations.reportId, row.id)])),
  ];
}

export interface Publications {
  /** Writes the deliveries of a report being published, in the publishing transaction; returns their publications. */
  enqueue(tx: Tx, row: ReportRow): Promise<string[]>;
  /** Starts the delivery workflows of the outbox's undelivered deliveries (of these publications, or all). */
  dispatch(publications?: string[]): Promise<number>;
}

export function createPublications({
  db,
  temporal,
  taskQueue,
  webOrigin,
  library,
}: {
  db: Database;
  temporal: Client;
  taskQueue: string;
  webOrigin: string;
  library: Library;
}): Publications {
  return {
    enqueue: (tx, row) => enqueueReportPublished(tx, row, webOrigin, library),
    dispatch: (publications) => dispatchDeliveries(db, temporal, taskQueue, publications),
  };
}
