// Upgrading a database written before similarity's indexes were rebuilt (0009): the GIN indexes take no pending
// list, the title trigrams are in GiST, and the reports already there are still found by their similar titles.
// On PGlite and PostgreSQL.
import { describe, expect, it } from 'vitest';
import { similarTo } from '../../api/reports/similarity.ts';
import { databasesBefore } from '../support/migration-databases.ts';

describe.each(['pglite', 'postgres'] as const)('the similarity indexes migration on %s', (kind) => {
  const databaseBefore = databasesBefore(kind);

  it('rebuilds the indexes over the existing reports, which similarity still finds', async () => {
    const { sql, upgrade, open } = await databaseBefore('0009_report_similarity_indexes');

    await sql`insert into reports (id, idempotency_key, status, title, what_failed, components) values
      ('drained', 'k1', 'published', 'Storefront down after draining a node', 'pods evicted', '{storefront}'),
      ('again', 'k2', 'published', 'Storefront down after draining nodes', 'evicted pods', '{storefront}'),
      ('other', 'k3', 'published', 'Slow checkout from CPU throttling', 'latency', '{checkout}')`;

    await upgrade();

    const indexes = await sql<{ name: string; method: string; options: string[] | null }[]>`
      select c.relname as name, am.amname as method, c.reloptions as options
      from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam
      where i.indrelid = 'reports'::regclass and am.amname in ('gin', 'gist') order by c.relname`;
    expect(indexes).toEqual([
      { name: 'reports_behaviour_idx', method: 'gin', options: ['fastupdate=false'] },
      { name: 'reports_components_idx', method: 'gin', options: ['fastupdate=false'] },
      { name: 'reports_search_idx', method: 'gin', options: ['fastupdate=false'] },
      { name: 'reports_tags_idx', method: 'gin', options: ['fastupdate=false'] },
      { name: 'reports_title_trgm_idx', method: 'gist', options: null },
    ]);

    const handle = open();
    const similar = await similarTo(handle.db, 'drained');
    expect(similar[0]).toMatchObject({ kind: 'report', id: 'again' });
    expect(similar.map((s) => s.id)).not.toContain('drained');
  });
});
