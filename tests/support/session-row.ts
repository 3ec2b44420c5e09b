// A bare sessions row, for tests of activities that write the read model of a session.
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import { sessions } from '../../db/schema.ts';
import type { Mode } from '../../domain/session-terms.ts';

export async function insertSessionRow(db: Database, participantName: string, mode: Mode = 'learn'): Promise<string> {
  const id = randomUUID();
  await db.insert(sessions).values({
    id,
    workflowId: `session-${id}`,
    scenarioId: 'storefront-scaled-to-zero',
    systemId: 'demo-app',
    mode,
    participantName,
    tokenHash: 'a'.repeat(64),
    phase: 'provisioning',
  });
  return id;
}
