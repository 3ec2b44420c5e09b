// Upgrading a database written when `sessions.phase` was text: every session keeps its phase through the
// migration to the `session_phase` enum, and afterwards the database refuses a phase the code does not know.
// Run on a fresh embedded database (PGlite) and a fresh database on the real PostgreSQL server.
import { describe, expect, it } from 'vitest';
import { sessions } from '../../db/schema.ts';
import { PHASES } from '../../domain/session-terms.ts';
import { databasesBefore } from '../support/migration-databases.ts';

const ENUM_MIGRATION = '0004_session_phase_enum';

describe.each(['pglite', 'postgres'] as const)('the phase enum migration on %s', (kind) => {
  const databaseBefore = databasesBefore(kind);

  it("keeps every session's phase and then refuses an unknown phase", async () => {
    const { sql, upgrade, open } = await databaseBefore(ENUM_MIGRATION);

    // The database as the previous release left it, with a session in every phase.
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

    await upgrade();

    const handle = open();
    const rows = await handle.db.select({ id: sessions.id, phase: sessions.phase }).from(sessions);
    expect(new Map(rows.map((row) => [row.id, row.phase]))).toEqual(new Map(PHASES.map((phase) => [`s-${phase}`, phase])));
    expect(await columnType()).toBe('session_phase');
    await expect(sql`update sessions set phase = 'exploded' where id = 's-running'`).rejects.toThrow(
      /invalid input value for enum session_phase/,
    );
  });
});
