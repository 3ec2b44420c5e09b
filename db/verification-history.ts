// The latest verification of a remediation: its verdict is the one the remediation shows, and its digest tells
// whether the library or the commands changed since.
import { desc, eq } from 'drizzle-orm';
import type { Database } from './client.ts';
import { remediationVerifications } from './schema.ts';

export async function latestVerification(
  db: Pick<Database, 'select'>,
  remediationId: string,
): Promise<{ id: string; digest: string } | undefined> {
  const [latest] = await db
    .select({ id: remediationVerifications.id, digest: remediationVerifications.digest })
    .from(remediationVerifications)
    .where(eq(remediationVerifications.remediationId, remediationId))
    .orderBy(desc(remediationVerifications.startedAt))
    .limit(1);
  return latest;
}
