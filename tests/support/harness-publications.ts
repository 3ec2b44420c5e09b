// The API's side of publishing to webhook subscribers, as the test harnesses wire it: published reports and the
// verified remediations they already have, delivered on a task queue whose publication worker the caller runs.
import type { Client } from '@temporalio/client';
import type { ApiDeps } from '../../api/deps.ts';
import { createPublications } from '../../api/reports/publications.ts';
import type { Database } from '../../db/client.ts';
import type { Library } from '../../scenarios/lib/load.ts';

/**
 * The `publications` of the API's deps, to spread into them: publishing on `taskQueue`, or, without one, nothing
 * (nothing is published; other files' subscribers share the database).
 */
export function harnessPublications(
  taskQueue: string | undefined,
  wiring: { db: Database; temporal: Client; webOrigin: string; library: Library },
): Pick<ApiDeps, 'publications'> {
  return taskQueue ? { publications: createPublications({ ...wiring, taskQueue }) } : {};
}
