// For tests of a migration on existing data: fresh databases on either server kind, and the migrations folder as
// an earlier release had it (the journal stopped just before a given migration); together, a database as that
// release left it, to upgrade.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, expect, inject } from 'vitest';
import { migrateDatabase, openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { startEmbeddedDatabase } from '../../infra/db/pglite-server.ts';
import { freePort } from '../../infra/lib/ports.ts';

const MIGRATIONS = resolve(import.meta.dirname, '../../db/migrations');

/** The migrations folder as it was before `tag`: the journal stops just before it. */
export function migrationsBefore(tag: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fl-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journalPath = join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number; tag: string }[] };
  const cut = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(cut, `${tag} is in the journal`).toBeGreaterThan(0);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh, empty database on the given server kind; dropped (or stopped) afterwards. */
export async function freshDatabase(kind: 'pglite' | 'postgres'): Promise<{ url: string; drop(): Promise<void> }> {
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

export interface DatabaseBefore {
  /** A client of the test's own (one connection), for the SQL of the earlier release. */
  sql: postgres.Sql;
  /** Applies the migrations that follow, as the new release does at start. */
  upgrade(): Promise<void>;
  /** The application's handle on the database (one connection). */
  open(): DatabaseHandle;
}

/**
 * For a describe block on one server kind: fresh databases migrated up to just before `tag` (every migration without
 * one), each dropped with its client, handles and migrations folder after the block.
 */
export function databasesBefore(kind: 'pglite' | 'postgres'): (tag?: string) => Promise<DatabaseBefore> {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return async (tag) => {
    const database = await freshDatabase(kind);
    cleanups.push(database.drop);
    const sql = postgres(database.url, { max: 1, onnotice: () => {}, prepare: false });
    cleanups.push(() => sql.end({ timeout: 5 }));
    if (tag) {
      const before = migrationsBefore(tag);
      cleanups.push(before.remove);
      await migrate(drizzle(sql), { migrationsFolder: before.dir });
    } else {
      await migrateDatabase(database.url);
    }
    return {
      sql,
      upgrade: () => migrateDatabase(database.url),
      open() {
        const handle = openDatabase(database.url, { maxConnections: 1 });
        cleanups.push(() => handle.close());
        return handle;
      },
    };
  };
}
