// At API start: the scenarios (as similarity sees them), the tag rules and the seed reports are brought into the
// database. Each is idempotent: a second start, or two APIs starting together, leave the same rows.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { notInArray, sql } from 'drizzle-orm';
import { parse } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { Type, type Static } from '@sinclair/typebox';
import type { Database } from '../../db/client.ts';
import { reports, scenarioDocuments, tagRules } from '../../db/schema.ts';
import { TAXONOMY_TAGS } from '../../domain/report-terms.ts';
import { TAG_RULES } from '../../domain/tag-rules.ts';
import type { Library } from '../../scenarios/lib/load.ts';
import { faultSteps } from '../../scenarios/lib/steps.ts';
import { refreshLibraryBehaviour } from './behaviour.ts';
import { EnvironmentSchema, TagSchema } from './report-contract.ts';
import { normalizeComponent } from './report-store.ts';

export const SEED_REPORTS_FILE = resolve(import.meta.dirname, '../../db/seed/postmortem-reports.yaml');

/** One report the library writes itself from a public post-mortem (in its own words, with the link). */
export const SeedReportSchema = Type.Object(
  {
    slug: Type.String({ pattern: '^[a-z0-9-]+$' }),
    title: Type.String({ minLength: 1 }),
    whatFailed: Type.String({ minLength: 1 }),
    impact: Type.String({ minLength: 1 }),
    detection: Type.String({ minLength: 1 }),
    trigger: Type.String({ minLength: 1 }),
    timeline: Type.String({ minLength: 1 }),
    environment: EnvironmentSchema,
    rootCause: Type.String({ minLength: 1 }),
    remediationSteps: Type.Optional(Type.String()),
    links: Type.Array(Type.String({ pattern: '^https?://' }), { minItems: 1 }),
    tags: Type.Array(TagSchema, { minItems: 3 }),
    scenarioId: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type SeedReport = Static<typeof SeedReportSchema>;

export function readSeedReports(file = SEED_REPORTS_FILE): SeedReport[] {
  const document = parse(readFileSync(file, 'utf8')) as unknown;
  const schema = Type.Array(SeedReportSchema);
  if (!Value.Check(schema, document)) {
    const first = [...Value.Errors(schema, document)][0];
    throw new Error(`${file}: ${first?.path} ${first?.message}`);
  }
  return document;
}

/** The seed report's id: stable, so links to it survive re-seeding. */
export const seedReportId = (slug: string) => `pm-${slug}`;

/** Free tags of a scenario and its fault types are the components it involves (e.g. configmap, network-policy). */
function scenarioComponents(tags: string[], faultTypes: string[]): string[] {
  const free = tags.filter((t) => !TAXONOMY_TAGS.includes(t));
  return [...new Set([...free, ...faultTypes.flatMap((t) => t.split('-'))].map(normalizeComponent))];
}

export async function syncReportLibrary(db: Database, library: Library, seeds: SeedReport[] = readSeedReports()): Promise<void> {
  const documents = [...library.scenarios].map(([id, { spec: s }]) => ({
    id,
    title: s.title,
    body: [s.story, s.rootCause, s.explanation, ...s.hints, s.source.title].join('\n'),
    tags: s.tags,
    components: scenarioComponents(
      s.tags,
      faultSteps(s.steps).map((step) => step.fault.type),
    ),
    systems: s.systems,
  }));
  const missing = seeds.filter((seed) => seed.scenarioId && !library.scenarios.has(seed.scenarioId));
  if (missing.length > 0)
    throw new Error(`seed reports name scenarios not in the library: ${missing.map((m) => `${m.slug} → ${m.scenarioId}`).join(', ')}`);
  await db.transaction(async (tx) => {
    // Upserts, then removes what the library no longer has: two APIs starting together never collide.
    const ids = documents.map((d) => d.id);
    if (documents.length > 0)
      await tx
        .insert(scenarioDocuments)
        .values(documents)
        .onConflictDoUpdate({
          target: scenarioDocuments.id,
          set: {
            title: sql`excluded.title`,
            body: sql`excluded.body`,
            tags: sql`excluded.tags`,
            components: sql`excluded.components`,
            systems: sql`excluded.systems`,
          },
        });
    await tx.delete(scenarioDocuments).where(ids.length > 0 ? notInArray(scenarioDocuments.id, ids) : undefined);
    const rules = Object.entries(TAG_RULES).map(([tag, query]) => ({ tag, query }));
    await tx.insert(tagRules).values(rules).onConflictDoNothing();
    await tx.delete(tagRules).where(
      notInArray(
        sql`${tagRules.tag} || ':' || ${tagRules.query}`,
        rules.map((r) => `${r.tag}:${r.query}`),
      ),
    );
    for (const seed of seeds) {
      const components = [...new Set(seed.environment.components.map(normalizeComponent))];
      const values = {
        title: seed.title,
        whatFailed: seed.whatFailed,
        impact: seed.impact,
        detection: seed.detection,
        trigger: seed.trigger,
        timeline: seed.timeline,
        environment: seed.environment,
        components,
        rootCause: seed.rootCause,
        remediationSteps: seed.remediationSteps ?? null,
        links: seed.links,
        tags: seed.tags,
        scenarioId: seed.scenarioId ?? null,
      };
      await tx
        .insert(reports)
        .values({
          id: seedReportId(seed.slug),
          idempotencyKey: `seed:${seed.slug}`,
          origin: 'seed',
          status: 'published',
          submittedAt: sql`now()`,
          publishedAt: sql`now()`,
          ...values,
        })
        .onConflictDoUpdate({ target: reports.idempotencyKey, set: values, where: sql`${reports.origin} = 'seed'` });
    }
    // The scenarios' behaviour, and the reports linked to one, follow the library as it is now.
    await refreshLibraryBehaviour(tx, library);
  });
}
