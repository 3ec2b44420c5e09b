// Similar reports and scenarios for a report, ranked in one SQL query: full-text rank of the report's title,
// what failed and root cause against each candidate's document, trigram similarity of the titles, the overlap of
// taxonomy tags and components, and, where the report has a behaviour signature (a linked session or scenario, or
// remediations), the overlap of behaviour (api/reports/behaviour.ts). Each result says why (shared tags, terms,
// components, behaviour).
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { describeShared } from '../../domain/behaviour-signature.ts';
import { LAYERS, SYMPTOMS, TRIGGERS } from '../../domain/report-terms.ts';
import type { Similar } from './report-contract.ts';

/**
 * The weights of the parts of the score (text rank, title trigrams, tags, components, behaviour). A report without a
 * behaviour signature is ranked by the first four alone (the same order as without the behaviour part).
 */
export const SIMILARITY_WEIGHTS = { text: 0.45, title: 0.15, tags: 0.25, components: 0.15, behaviour: 0.6 };

export interface SimilarityOptions {
  limit?: number;
  /** false: words, tags and components only (the benchmark's text-only baseline). */
  behaviour?: boolean;
}

interface SimilarRow extends Record<string, unknown> {
  kind: 'report' | 'scenario';
  id: string;
  title: string;
  score: number;
  shared_tags: string[];
  shared_terms: string[];
  shared_components: string[];
  shared_behaviour: string[];
}

/**
 * |a ∩ b| / |a ∪ b| of two text arrays taken as sets, by C functions (array_to_tsvector drops repeats; it refuses '',
 * left out) rather than a set-operation subquery per candidate.
 */
function overlap(a: SQL, b: SQL): SQL {
  const size = (x: SQL) => sql`length(array_to_tsvector(array_remove(${x}, '')))`;
  const union = size(sql`${a} || ${b}`);
  return sql`(${size(a)} + ${size(b)} - ${union})::float8 / greatest(${union}, 1)`;
}

/**
 * The tags the report's text suggests (tag_rules matched against its document), best match first: one layer,
 * the symptoms, one trigger.
 */
export async function suggestTags(db: Database, reportId: string): Promise<string[]> {
  const rows = await db.execute<{ tag: string }>(sql`
    select tr.tag, max(ts_rank(r.search, to_tsquery('english', tr.query))) as rank
    from reports r join tag_rules tr on r.search @@ to_tsquery('english', tr.query)
    where r.id = ${reportId}
    group by tr.tag
    order by rank desc, tr.tag`);
  const tags = rows.map((row) => row.tag);
  const pick = (set: readonly string[], max: number) => tags.filter((t) => set.includes(t)).slice(0, max);
  return [...pick(LAYERS, 1), ...pick(SYMPTOMS, 3), ...pick(TRIGGERS, 1)];
}

/**
 * The report's most similar published or submitted reports (never itself, drafts, duplicates or rejected ones)
 * and scenarios. A report not yet tagged is compared by the tags its text suggests.
 */
export async function similarTo(
  db: Database,
  reportId: string,
  { limit = 8, behaviour: byBehaviour = true }: SimilarityOptions = {},
): Promise<Similar[]> {
  const w = SIMILARITY_WEIGHTS;
  const rows = await db.execute<SimilarRow>(sql`
    -- Materialized: computed once, not once per candidate row.
    with target as materialized (
      select r.id, r.title, r.components,
        case when cardinality(r.tags) > 0 then r.tags
             else array(select distinct tr.tag from tag_rules tr where r.search @@ to_tsquery('english', tr.query)) end as tags,
        tsvector_to_array(ts_filter(r.search, '{a,b}')) as terms,
        case when ${byBehaviour} then r.behaviour else '{}'::text[] end as behaviour
      from reports r where r.id = ${reportId}
    ), common as materialized (
      -- Words in more than 5 % of reports (the planner's statistics, kept by ANALYZE) tell reports apart as little as
      -- stop words: they still count in the score, but finding candidates by them would rank most of the table.
      select u.term from pg_stats st, unnest(st.most_common_elems::text::text[], st.most_common_elem_freqs) as u(term, freq)
      where st.schemaname = current_schema() and st.tablename = 'reports' and st.attname = 'search' and u.term is not null and u.freq > 0.05
    ), q as materialized (
      select t.*, case when cardinality(t.terms) = 0 then null::tsquery
          else to_tsquery('simple', array_to_string(array(select quote_literal(x) from unnest(t.terms) x), ' | ')) end as query,
        coalesce(
          to_tsquery('simple', nullif(array_to_string(array(
            select quote_literal(x) from unnest(t.terms) x where not exists (select from common c where c.term = x)), ' | '), '')),
          case when cardinality(t.terms) = 0 then null::tsquery
            else to_tsquery('simple', array_to_string(array(select quote_literal(x) from unnest(t.terms) x), ' | ')) end) as rare_query,
        -- Components and behaviour tokens as they are (the tsquery input, unlike to_tsquery, does not split them).
        case when cardinality(t.components) = 0 then null::tsquery
          else array_to_string(array(select quote_literal(x) from unnest(t.components) x), ' | ')::tsquery end as components_query,
        case when cardinality(t.behaviour) = 0 then null::tsquery
          else array_to_string(array(select quote_literal(x) from unnest(t.behaviour) x), ' | ')::tsquery end as behaviour_query
      from target t
    ), candidates as (
      -- The 50 best reports by the rank of their telling words first (found through the full-text index), then
      -- the 50 sharing the most components, the 50 nearest titles and the 50 sharing the most behaviour, each found
      -- through its index: only these are scored in full.
      (select 'report'::text as kind, r.id, r.title, r.tags, r.components, r.behaviour, r.search
       from reports r, q
       where r.id <> q.id and r.status in ('published', 'submitted') and r.search @@ q.rare_query
       order by ts_rank(r.search, q.rare_query) desc limit 50)
      union
      (select 'report'::text as kind, r.id, r.title, r.tags, r.components, r.behaviour, r.search
       from reports r, q
       where r.id <> q.id and r.status in ('published', 'submitted') and r.components && q.components
       -- The most components shared, then the fewest others (ts_rank of unweighted tokens grows with the number
       -- shared, computed without a subquery per row).
       order by ts_rank(array_to_tsvector(array_remove(r.components, '')), q.components_query) desc, cardinality(r.components) limit 50)
      union
      (select 'report'::text as kind, r.id, r.title, r.tags, r.components, r.behaviour, r.search
       from reports r, q
       where r.id <> q.id and r.status in ('published', 'submitted') and r.title % (select title from q)
       -- Nearest titles first, read in that order from the GiST trigram index (a subquery: the index orders by a
       -- value known when the scan starts, not by a column of a joined row).
       order by r.title <-> (select title from q) limit 50)
      union
      (select 'report'::text as kind, r.id, r.title, r.tags, r.components, r.behaviour, r.search
       from reports r, q
       where r.id <> q.id and r.status in ('published', 'submitted') and r.behaviour && q.behaviour
       -- The most behaviour shared.
       order by ts_rank(array_to_tsvector(array_remove(r.behaviour, '')), q.behaviour_query) desc limit 50)
      union all
      select 'scenario', s.id, s.title, s.tags, s.components, s.behaviour, s.search
      from scenario_documents s, q
      where s.search @@ q.query or s.components && q.components or s.tags && q.tags or s.behaviour && q.behaviour
    ), ranked as (
      select c.kind, c.id, c.title, c.search, c.tags, c.components, c.behaviour,
        (${w.text}::float8 * 2 * coalesce(ts_rank(c.search, q.query, 32), 0)
          + ${w.title}::float8 * similarity(c.title, q.title)
          + ${w.tags}::float8 * ${overlap(sql`c.tags`, sql`q.tags`)}
          + ${w.components}::float8 * ${overlap(sql`c.components`, sql`q.components`)}
          + ${w.behaviour}::float8 * ${overlap(sql`c.behaviour`, sql`q.behaviour`)})::float8 as score
      from candidates c, q
      order by score desc, id
      limit ${limit}
    )
    -- What is shared is spelled out for the few shown only.
    select r.kind, r.id, r.title, r.score,
      array(select unnest(r.tags) intersect select unnest(q.tags)) as shared_tags,
      array(select unnest(r.components) intersect select unnest(q.components)) as shared_components,
      array(select unnest(r.behaviour) intersect select unnest(q.behaviour) order by 1) as shared_behaviour,
      array(select x from unnest(tsvector_to_array(r.search)) x where x = any(q.terms) order by length(x) desc limit 6) as shared_terms
    from ranked r, q
    order by r.score desc, r.id`);
  return rows.map((row) => ({
    kind: row.kind,
    id: row.id,
    title: row.title,
    score: Math.round(Number(row.score) * 1000) / 1000,
    reasons: [
      ...(row.shared_behaviour.length > 0 ? [`shared behaviour: ${describeShared(row.shared_behaviour)}`] : []),
      ...(row.shared_tags.length > 0 ? [`shared tags: ${row.shared_tags.join(', ')}`] : []),
      ...(row.shared_terms.length > 0 ? [`shared terms: ${row.shared_terms.join(', ')}`] : []),
      ...(row.shared_components.length > 0 ? [`shared components: ${row.shared_components.join(', ')}`] : []),
    ],
  }));
}
