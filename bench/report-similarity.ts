// How well the report similarity ranks, and how fast, against a text-only baseline run side by side.
// 1. Quality: the labelled reports of bench/report-similarity-labels.yaml are filed (with a reviewer's tags) into
//    a library holding the seed reports and scenarios; recall@5 = the share of each one's labelled same-root-cause
//    reports and scenarios in its top 5; "scenario in top 3" = the share of reports whose reproducing scenario is
//    among the first three. Reports that come with a session get its behaviour signature (the session's SLA readings
//    and kubectl writes are written as the engine writes them, then linked). Baseline: the same query with the
//    behaviour part off (words, title trigrams, tags and components only).
// 2. Speed: the similarity query's latency with 10,000 published reports (the seed reports copied with their
//    words reordered), each labelled report queried several times.
// Run: node bench/report-similarity.ts [--quick] [--reports 10000] [--rounds 5] (BENCH_DATABASE_URL: a real server)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { parse } from 'yaml';
import { syncReportLibrary } from '../api/reports/library-sync.ts';
import { saveReport } from '../api/reports/report-store.ts';
import { refreshReportBehaviour } from '../api/reports/behaviour.ts';
import { similarTo, SIMILARITY_WEIGHTS } from '../api/reports/similarity.ts';
import { loadConfig } from '../config/config.ts';
import { migrateDatabase, openDatabase } from '../db/client.ts';
import { kubeRequests, reports, sessions, slaSamples } from '../db/schema.ts';
import { resourceKind } from '../domain/behaviour-signature.ts';
import { startEmbeddedDatabase } from '../infra/db/pglite-server.ts';
import { loadLibrary } from '../scenarios/lib/load.ts';
import { machineInfo, metric, writeResult } from './lib/result.ts';

/** What a session reproducing the failure recorded (see the labels file). */
interface RecordedSession {
  red: string[];
  redSeconds: number;
  slis?: Record<string, number>;
  fix: string[];
}

interface Label {
  text: { title: string; whatFailed: string; trigger: string };
  components: string[];
  tags: string[];
  relevant: string[];
  scenario?: string;
  session?: RecordedSession;
}

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, reports: { type: 'string' }, rounds: { type: 'string' } },
});
const quick = args.quick ?? false;
const total = Number(args.reports ?? (quick ? 2000 : 10000));
const rounds = Number(args.rounds ?? (quick ? 2 : 5));
const command = process.env.BENCH_COMMAND ?? ['node bench/report-similarity.ts', ...process.argv.slice(2)].join(' ');
const machine = machineInfo();
const date = new Date().toISOString();
const t0 = performance.now();

const labels = parse(readFileSync(resolve(import.meta.dirname, 'report-similarity-labels.yaml'), 'utf8')) as Label[];
const embedded = process.env.BENCH_DATABASE_URL ? undefined : await startEmbeddedDatabase({ port: 0 });
const url = process.env.BENCH_DATABASE_URL ?? embedded!.url;
await migrateDatabase(url);
const database = openDatabase(url);
const { db } = database;
const library = loadLibrary(loadConfig().scenariosDir);
await syncReportLibrary(db, library);

/**
 * Writes what a session reproducing the failure recorded, as the engine and the kube gateway write it: SLA readings
 * (green, the first objective red, all of them red, green again after `redSeconds`) and the fix's kubectl writes.
 */
async function recordSession(id: string, session: RecordedSession): Promise<void> {
  const start = Date.parse('2026-01-01T10:00:00Z');
  await db.insert(sessions).values({
    id,
    workflowId: id,
    scenarioId: 'reproduction',
    systemId: 'reproduction',
    mode: 'learn',
    participantName: 'bench',
    tokenHash: id,
    phase: 'completed',
  });
  const reading = (red: string[], slis = false) =>
    session.red.map((name, index) => ({
      name,
      status: red.includes(name) ? 'red' : 'green',
      ...(slis && index === 0 && session.slis ? { slis: session.slis } : {}),
    }));
  await db.insert(slaSamples).values([
    { sessionId: id, at: new Date(start), status: 'green', objectives: reading([]) },
    { sessionId: id, at: new Date(start + 10_000), status: 'red', objectives: reading(session.red.slice(0, 1), true) },
    { sessionId: id, at: new Date(start + 20_000), status: 'red', objectives: reading(session.red, true) },
    { sessionId: id, at: new Date(start + 10_000 + session.redSeconds * 1000), status: 'green', objectives: reading([]) },
  ]);
  await db.insert(kubeRequests).values(
    session.fix.map((line) => {
      const words = line.split(/\s+/).filter((w) => !w.startsWith('-'));
      const twoWords = ['set', 'rollout'].includes(words[1]!);
      const target = words[twoWords ? 3 : 2]!.split('/')[0]!;
      return {
        sessionId: id,
        verb: words[1] === 'delete' ? 'delete' : 'patch',
        resource: `${resourceKind(target)}s`,
        status: 200,
        latencyMs: 5,
        command: words.slice(0, twoWords ? 3 : 2).join(' '),
      };
    }),
  );
}

// File each labelled report as a person would, then tag it as a reviewer would.
const run = `bench-${Date.now()}`;
const queries: { id: string; label: Label }[] = [];
for (const [index, label] of labels.entries()) {
  const { row } = await saveReport(db, `${run}-${index}`, {
    ...label.text,
    impact: 'users affected',
    detection: 'alerts',
    timeline: 'started, found, fixed',
    environment: { kubernetesVersion: '1.30', provider: 'any', components: label.components },
  });
  await db
    .update(reports)
    .set({ tags: label.tags })
    .where(sql`${reports.id} = ${row.id}`);
  if (label.session) {
    const sessionId = `${run}-session-${index}`;
    await recordSession(sessionId, label.session);
    await db
      .update(reports)
      .set({ sessionId })
      .where(sql`${reports.id} = ${row.id}`);
    await refreshReportBehaviour(db, library, row.id);
  }
  queries.push({ id: row.id, label });
}
const queryIds = new Set(queries.map((q) => q.id));
/** The top k, leaving out the other labelled reports (they are queries, not the library). */
const topK = (ids: string[], k: number) => ids.filter((id) => !queryIds.has(id)).slice(0, k);

const recall = { sql: [] as number[], baseline: [] as number[] };
const scenarioTop3 = { sql: [] as number[], baseline: [] as number[] };
const misses: string[] = [];
for (const { id, label } of queries) {
  const ours = topK(
    (await similarTo(db, id, { limit: 5 + queries.length })).map((s) => s.id),
    5,
  );
  const naive = topK(
    (await similarTo(db, id, { limit: 5 + queries.length, behaviour: false })).map((s) => s.id),
    5,
  );
  const share = (top: string[]) => (100 * label.relevant.filter((r) => top.includes(r)).length) / label.relevant.length;
  recall.sql.push(share(ours));
  recall.baseline.push(share(naive));
  if (label.scenario) {
    scenarioTop3.sql.push(ours.slice(0, 3).includes(label.scenario) ? 100 : 0);
    scenarioTop3.baseline.push(naive.slice(0, 3).includes(label.scenario) ? 100 : 0);
  }
  const missed = label.relevant.filter((r) => !ours.includes(r));
  if (missed.length > 0) misses.push(`"${label.text.title}": missed ${missed.join(', ')} (top 5: ${ours.join(', ')})`);
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
console.log(`recall@5: ${mean(recall.sql).toFixed(1)} % (text only: ${mean(recall.baseline).toFixed(1)} %)`);
console.log(`scenario in top 3: ${mean(scenarioTop3.sql).toFixed(1)} % (text only: ${mean(scenarioTop3.baseline).toFixed(1)} %)`);
for (const miss of misses) console.log(`  ${miss}`);

// Grow the library to `total` published reports: copies of the seed reports with their words shuffled.
const [{ count }] = (await db.execute<{ count: number }>(sql`select count(*)::int as count from reports`)) as unknown as [
  { count: number },
];
const copies = Math.max(0, total - count);
await db.execute(sql`
  insert into reports (id, idempotency_key, status, title, what_failed, impact, detection, trigger, timeline, environment, components, root_cause, tags, origin, links, behaviour)
  select 'syn-' || g || '-' || r.id, 'syn-' || g || '-' || r.id, 'published',
    array_to_string(array(select w from unnest(string_to_array(r.title, ' ')) w order by md5(w || g)), ' '),
    array_to_string(array(select w from unnest(string_to_array(r.what_failed, ' ')) w order by md5(w || g)), ' '),
    r.impact, r.detection, r.trigger, r.timeline, r.environment, r.components, r.root_cause, r.tags, 'user', r.links, r.behaviour
  from (select * from reports where origin = 'seed') r,
    generate_series(1, ceil(${copies}::float8 / (select count(*) from reports where origin = 'seed'))::int) g
  limit ${copies}
  on conflict do nothing`);
await db.execute(sql`analyze reports`);
const latency = { sql: [] as number[], baseline: [] as number[] };
for (let round = 0; round < rounds; round++)
  for (const { id } of queries) {
    let start = performance.now();
    await similarTo(db, id);
    latency.sql.push(performance.now() - start);
    start = performance.now();
    await similarTo(db, id, { behaviour: false });
    latency.baseline.push(performance.now() - start);
  }
const [{ reportCount }] = (await db.execute<{ reportCount: number }>(
  sql`select count(*)::int as "reportCount" from reports`,
)) as unknown as [{ reportCount: number }];
await database.close();
await embedded?.stop();
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(0.95 * xs.length) - 1] ?? 0;
console.log(
  `similarity p95 ${p95(latency.sql).toFixed(1)} ms over ${reportCount} reports (text only: ${p95(latency.baseline).toFixed(1)} ms)`,
);

const path = writeResult(resolve(import.meta.dirname, 'results'), {
  name: 'report-similarity',
  title: 'Report similarity: ranking quality and query time',
  description:
    'Labelled reports filed as people write them; recall@5 of their same-root-cause seed reports and scenarios, the reproducing scenario in the top 3, and the similarity query time over a library of published reports, each against the same ranking without behaviour (text only, the baseline) run side by side.',
  command,
  quick,
  date,
  durationSeconds: Math.round((performance.now() - t0) / 1000),
  machine,
  params: {
    labelledReports: queries.length,
    reports: reportCount,
    rounds,
    database: embedded ? 'PGlite' : 'PostgreSQL',
    weights: JSON.stringify(SIMILARITY_WEIGHTS),
  },
  metrics: [
    metric('recall@5 of same-root-cause reports and scenarios (per labelled report)', '%', recall.sql, {
      baseline: { label: 'text only', samples: recall.baseline },
    }),
    metric('reproducing scenario in the top 3 (per labelled report with one)', '%', scenarioTop3.sql, {
      baseline: { label: 'text only', samples: scenarioTop3.baseline },
    }),
    metric(`similarity query, ${reportCount} reports`, 'ms', latency.sql, {
      baseline: { label: 'text only', samples: latency.baseline },
      goal: { stat: 'p95', max: 50 },
    }),
  ],
  notes: [
    `mean recall@5 ${mean(recall.sql).toFixed(1)} % (text only ${mean(recall.baseline).toFixed(1)} %); scenario in top 3 ${mean(scenarioTop3.sql).toFixed(1)} % (text only ${mean(scenarioTop3.baseline).toFixed(1)} %)`,
    ...misses.slice(0, 8).map((m) => `miss: ${m}`),
  ],
});
console.log(`wrote ${path}`);
