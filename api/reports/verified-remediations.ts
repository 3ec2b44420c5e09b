// Verified remediations as machines read them (`failurelib remediate`), per tag or per system: the shape, with the
// commands and the detection, is db/verified-remediations.ts (the `remediation.verified` webhook carries the same).
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { reports } from '../../db/schema.ts';
import { selectVerifiedRemediations } from '../../db/verified-remediations.ts';
import type { Library } from '../../scenarios/lib/load.ts';
import type { VerifiedRemediation } from './report-contract.ts';

export async function verifiedRemediations(
  db: Database,
  library: Library,
  { tag, system, webOrigin }: { tag?: string; system?: string; webOrigin: string },
): Promise<VerifiedRemediation[]> {
  return selectVerifiedRemediations(db, library, {
    where: tag ? [sql`${reports.tags} @> array[${tag}]::text[]`] : [],
    system,
    webOrigin,
  });
}
