// Upgrading a database written before verifications kept a history: each remediation's verdict becomes the first
// entry of its history, its digests unknown (so the next API start verifies it again, see
// remediation-reverification.test.ts); a remediation never verified has no history. On PGlite and PostgreSQL.
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { remediationVerifications } from '../../db/schema.ts';
import { freshDatabase, migrationsBefore } from '../support/migration-databases.ts';

describe.each(['pglite', 'postgres'] as const)('the verification history migration on %s', (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('keeps every verdict as the first entry of its history, with unknown digests', async () => {
    const database = await freshDatabase(kind);
    cleanups.push(database.drop);
    const before = migrationsBefore('0007_remediation_verifications');
    cleanups.push(before.remove);
    const sql = postgres(database.url, { max: 1, onnotice: () => {}, prepare: false });
    cleanups.push(() => sql.end({ timeout: 5 }));

    await migrate(drizzle(sql), { migrationsFolder: before.dir });
    await sql`insert into reports (id, idempotency_key, status, title, scenario_id) values ('r1', 'k1', 'published', 'Down', 'storefront-scaled-to-zero')`;
    await sql`insert into remediations (id, report_id, summary, commands, status, reason, evidence_session_id) values
      ('fixed', 'r1', 'Scale up', '["kubectl scale deployment/storefront --replicas=2"]', 'verified', 'SLA green', 's-1'),
      ('looked', 'r1', 'Look', '["kubectl get pods"]', 'refuted', 'SLA still red', 's-2'),
      ('new', 'r1', 'Later', '["kubectl get pods"]', 'unverified', null, null)`;

    await migrateDatabase(database.url);

    const handle = openDatabase(database.url, { maxConnections: 1 });
    cleanups.push(() => handle.close());
    const history = await handle.db.select().from(remediationVerifications).orderBy(remediationVerifications.id);
    expect(history).toEqual([
      expect.objectContaining({
        id: 's-1',
        remediationId: 'fixed',
        status: 'verified',
        reason: 'SLA green',
        scenarioId: 'storefront-scaled-to-zero',
        commands: ['kubectl scale deployment/storefront --replicas=2'],
        digest: '',
      }),
      expect.objectContaining({ id: 's-2', remediationId: 'looked', status: 'refuted', reason: 'SLA still red', digest: '' }),
    ]);
  });
});
