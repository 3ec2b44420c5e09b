// Upgrading a database written before verifications kept a history: each remediation's verdict becomes the first
// entry of its history, its digests unknown (so the next API start verifies it again, see
// remediation-reverification.test.ts); a remediation never verified has no history. On PGlite and PostgreSQL.
import { describe, expect, it } from 'vitest';
import { remediationVerifications } from '../../db/schema.ts';
import { databasesBefore } from '../support/migration-databases.ts';

describe.each(['pglite', 'postgres'] as const)('the verification history migration on %s', (kind) => {
  const databaseBefore = databasesBefore(kind);

  it('keeps every verdict as the first entry of its history, with unknown digests', async () => {
    const { sql, upgrade, open } = await databaseBefore('0007_remediation_verifications');

    await sql`insert into reports (id, idempotency_key, status, title, scenario_id) values ('r1', 'k1', 'published', 'Down', 'storefront-scaled-to-zero')`;
    await sql`insert into remediations (id, report_id, summary, commands, status, reason, evidence_session_id) values
      ('fixed', 'r1', 'Scale up', '["kubectl scale deployment/storefront --replicas=2"]', 'verified', 'SLA green', 's-1'),
      ('looked', 'r1', 'Look', '["kubectl get pods"]', 'refuted', 'SLA still red', 's-2'),
      ('new', 'r1', 'Later', '["kubectl get pods"]', 'unverified', null, null)`;

    await upgrade();

    const handle = open();
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
