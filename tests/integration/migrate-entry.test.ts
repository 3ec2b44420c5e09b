// `node db/migrate.ts`, what the Helm chart's migration Job runs before an install or upgrade: it migrates an empty
// PostgreSQL database, a second run (the next upgrade) changes nothing and succeeds, and without DATABASE_URL it
// fails naming the key.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../../infra/lib/tools.ts';

const run = promisify(execFile);
const migrate = (env: NodeJS.ProcessEnv) => run(process.execPath, ['db/migrate.ts'], { cwd: ROOT, env, timeout: 60_000 });

describe('node db/migrate.ts', () => {
  const serverUrl = inject('databases').find((database) => database.name === 'postgres')!.url;
  const name = `fl_migrate_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  afterAll(async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  });

  it('migrates an empty database, and a second run is a no-op', async () => {
    await admin.unsafe(`create database ${name}`);
    const env = { ...process.env, DATABASE_URL: url.toString() };
    expect((await migrate(env)).stdout).toMatch(/^database migrated in \d+ ms\n$/);
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      const tables = async () =>
        (await sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = 'public'`)
          .map((row) => row.name)
          .sort();
      const after = await tables();
      expect(after).toEqual(expect.arrayContaining(['sessions', 'session_events', 'kube_requests', 'events']));
      const applied = async () => (await sql`select count(*)::int as n from drizzle.__drizzle_migrations`)[0]?.n as number;
      const count = await applied();
      await migrate(env);
      expect([await tables(), await applied()]).toEqual([after, count]);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it('refuses to run without DATABASE_URL', async () => {
    const { DATABASE_URL: _unset, ...env } = process.env;
    await expect(migrate(env)).rejects.toThrow(/DATABASE_URL is not set/);
  });
});
