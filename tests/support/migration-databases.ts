// For tests of a migration on existing data: fresh databases on either server kind, and the migrations folder as
// an earlier release had it (the journal stopped just before a given migration).
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { expect, inject } from 'vitest';
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
