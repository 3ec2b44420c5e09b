// Similarity reads the text arrays of reports and scenario documents (tags, components, behaviour) through
// array_to_tsvector and cardinality, which would make a NULL array a NULL score. None can be NULL: every one is
// NOT NULL with the empty array for default since it was added (0006, 0008), so a report written before behaviour
// existed, or with no tags or components, holds '{}' and is compared as such. On PGlite and PostgreSQL.
import { describe, expect, it } from 'vitest';
import { similarTo } from '../../api/reports/similarity.ts';
import { databasesBefore } from '../support/migration-databases.ts';

const ARRAYS = {
  reports: ['tags', 'components', 'behaviour'],
  scenario_documents: ['tags', 'components', 'behaviour'],
} as const;

describe.each(['pglite', 'postgres'] as const)('the text arrays similarity reads on %s', (kind) => {
  const databaseBefore = databasesBefore(kind);

  it('are empty, never NULL, on reports written without them, and similarity compares those reports', async () => {
    const { sql, upgrade, open } = await databaseBefore('0008_report_behaviour');

    // Written as a release before behaviour wrote them: no tags, no components, no behaviour column yet.
    await sql`insert into reports (id, idempotency_key, status, title, what_failed) values
      ('old', 'k1', 'published', 'Storefront down after draining a node', 'pods evicted'),
      ('again', 'k2', 'submitted', 'Storefront down after draining nodes', 'evicted pods')`;
    await upgrade();
    await sql`insert into reports (id, idempotency_key, title) values ('draft', 'k3', 'Storefront down after a drain')`;

    const rows = await sql<{ id: string; tags: string[]; components: string[]; behaviour: string[] }[]>`
      select id, tags, components, behaviour from reports order by id`;
    expect(rows).toEqual(['again', 'draft', 'old'].map((id) => ({ id, tags: [], components: [], behaviour: [] })));

    const handle = open();
    // The old report as the one compared (its arrays empty, tags suggested by its text) and as a candidate.
    const similarToOld = await similarTo(handle.db, 'old');
    expect(similarToOld[0]).toMatchObject({ kind: 'report', id: 'again' });
    expect(similarToOld[0]!.score).toBeGreaterThan(0);
    const similarToDraft = await similarTo(handle.db, 'draft');
    expect(similarToDraft.filter((s) => s.kind === 'report').map((s) => s.id)).toEqual(expect.arrayContaining(['again', 'old']));
    expect(similarToDraft.every((s) => s.score > 0)).toBe(true);
    expect([...similarToOld, ...similarToDraft].map((s) => s.id)).not.toContain('draft');
  });

  it('rejects NULL in each of them, inserted or updated', async () => {
    const { sql } = await databaseBefore();
    const required = {
      reports: { idempotency_key: "'k'", title: "'A report'" },
      scenario_documents: { title: "'A scenario'", body: "'body'", systems: "'{}'" },
    };
    const insert = (table: keyof typeof ARRAYS, id: string, nullColumn?: string) => {
      const values: Record<string, string> = { id: `'${id}'`, ...required[table], tags: "'{}'", components: "'{}'", behaviour: "'{}'" };
      if (nullColumn) values[nullColumn] = 'null';
      return sql.unsafe(`insert into ${table} (${Object.keys(values).join(', ')}) values (${Object.values(values).join(', ')})`);
    };

    for (const [table, columns] of Object.entries(ARRAYS) as [keyof typeof ARRAYS, readonly string[]][]) {
      await insert(table, 'kept');
      for (const column of columns) {
        await expect(insert(table, 'null', column), `${table}.${column} inserted NULL`).rejects.toMatchObject({
          code: '23502',
          column_name: column,
        });
        await expect(
          sql.unsafe(`update ${table} set ${column} = null where id = 'kept'`),
          `${table}.${column} updated to NULL`,
        ).rejects.toMatchObject({
          code: '23502',
          column_name: column,
        });
      }
      expect(await sql.unsafe(`select id from ${table}`)).toEqual([{ id: 'kept' }]);
    }
  });
});
