// Upgrading a database written when `sessions.phase` was text: every session keeps its phase through the
// migration to the `session_phase` enum, and afterwards the database refuses a phase the code does not know.
// Run on a fresh embedded database (PGlite) and a fresh database on the real PostgreSQL server.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { sessions } from '../../db/schema.ts';
import { PHASES } from '../../domain/session-terms.ts';
import { startEmbeddedDatabase } from '../../infra/db/pglite-server.ts';
import { freePort } from '../../infra/lib/ports.ts';

const MIGRATIONS = resolve(import.meta.dirname, '../../db/migrations');
const ENUM_MIGRATION = '0004_session_phase_enum';

/** The migrations folder as it was before the enum: the journal stops just before it. */
function migrationsBeforeEnum(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fl-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journalPath = join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number; tag: string }[] };
  const cut = journal.entries.findIndex((entry) => entry.tag === ENUM_MIGRATION);
  expect(cut, `${ENUM_MIGRATION} is in the journal`).toBeGreaterThan(0);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh, empty database on the given server kind; dropped (or stopped) afterwards. */
async function freshDatabase(kind: 'pglite' | 'postgres'): Promise<{ url: string; drop(): Promise<void> }> {
  if (kind === 'pglite') {
    const database = await startEmbeddedDatabase({ port: await freePort() });
    return { url: database.url, drop: database.stop };
  }
  const serverUrl = inject('databases').find((database) => database.name === 'postgres')!.url;
  const name = `fl_upgrade_${randomUUID().replaceAll('-', '')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

describe.each(['pglite', 'postgres'] as const)('the phase enum migration on %s', (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("keeps every session's phase and then refuses an unknown phase", async () => {
    const database = await freshDatabase(kind);
    cleanups.push(database.drop);
    const before = migrationsBeforeEnum();
    cleanups.push(before.remove);
    const sql = postgres(database.url, { max: 1, onnotice: () => {}, prepare: false });
    cleanups.push(() => sql.end({ timeout: 5 }));

    // The database as the previous release left it, with a session in every phase.
    await migrate(drizzle(sql), { migrationsFolder: before.dir });
    const columnType = async () =>
      (
        await sql<
          { type: string }[]
        >`select udt_name as type from information_schema.columns where table_name = 'sessions' and column_name = 'phase'`
      )[0]?.type;
    expect(await columnType()).toBe('text');
    for (const phase of PHASES) {
      await sql`insert into sessions (id, workflow_id, scenario_id, system_id, mode, participant_name, token_hash, phase)
        values (${`s-${phase}`}, ${`session-s-${phase}`}, 'storefront-scaled-to-zero', 'demo-app', 'learn', 'Ada', 'x', ${phase})`;
    }

    await migrateDatabase(database.url);

    const handle = openDatabase(database.url, { maxConnections: 1 });
    cleanups.push(() => handle.close());
    const rows = await handle.db.select({ id: sessions.id, phase: sessions.phase }).from(sessions);
    expect(new Map(rows.map((row) => [row.id, row.phase]))).toEqual(new Map(PHASES.map((phase) => [`s-${phase}`, phase])));
    expect(await columnType()).toBe('session_phase');
    await expect(sql`update sessions set phase = 'exploded' where id = 's-running'`).rejects.toThrow(
      /invalid input value for enum session_phase/,
    );
  });
});
