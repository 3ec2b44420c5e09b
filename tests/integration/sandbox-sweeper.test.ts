// The sweeper deletes sandboxes of closed or unknown sessions, and leaves live and brand-new ones alone.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectKube } from '../../cluster/kube.ts';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { createClusterDriver } from '../../cluster/drivers.ts';
import { sweepSandboxes } from '../../activities/sweeper.ts';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { sessions } from '../../db/schema.ts';
import type { Phase } from '../../domain/session-terms.ts';

describe('sandbox sweeper', () => {
  const kube = connectKube(inject('kubeconfig'));
  const driver = createClusterDriver('sim', kube);
  let database: DatabaseHandle;
  beforeAll(() => {
    database = openDatabase(inject('databases')[0]!.url);
  });
  afterAll(async () => database?.close());

  async function sessionRow(phase: Phase): Promise<string> {
    const id = randomUUID();
    await database.db.insert(sessions).values({
      id,
      workflowId: `session-${id}`,
      scenarioId: 's',
      systemId: 'demo-app',
      mode: 'learn',
      participantName: 'Sweep',
      tokenHash: 'x',
      phase,
    });
    return id;
  }

  it('deletes closed and orphaned sandboxes only', async () => {
    const live = await sessionRow('running');
    const closed = await sessionRow('completed');
    const orphan = randomUUID();
    for (const id of [live, closed, orphan]) await driver.createSandbox(id);

    const young = await sweepSandboxes(database.db, driver, 3600);
    expect(young.deleted).toContain(sandboxNamespace(closed));
    expect(young.deleted).not.toContain(sandboxNamespace(orphan));

    const result = await sweepSandboxes(database.db, driver, 0);
    expect(result.deleted).toContain(sandboxNamespace(orphan));
    expect(result.deleted).not.toContain(sandboxNamespace(live));
    const liveNamespace = await kube.core.readNamespace({ name: sandboxNamespace(live) });
    expect(liveNamespace.metadata?.deletionTimestamp).toBeUndefined();

    await database.db.update(sessions).set({ phase: 'abandoned' }).where(eq(sessions.id, live));
    expect((await sweepSandboxes(database.db, driver, 0)).deleted).toContain(sandboxNamespace(live));
  });
});
