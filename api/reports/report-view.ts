// What the API shows of a report: its fields, review state, remediations, duplicates merged into it, and the
// similar reports and scenarios.
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import {
  remediations,
  remediationVerifications,
  reports,
  type RemediationRow,
  type RemediationVerificationRow,
  type ReportRow,
} from '../../db/schema.ts';
import type { ReportStatus } from '../../domain/report-terms.ts';
import { notFound } from '../errors.ts';
import type { Remediation, ReportDto, ReportSummary, Verification } from './report-contract.ts';
import { similarTo, suggestTags } from './similarity.ts';

export function remediationDto(row: RemediationRow, history?: RemediationVerificationRow[]): Remediation {
  return {
    id: row.id,
    reportId: row.reportId,
    summary: row.summary,
    commands: row.commands,
    status: row.status,
    ...(row.reason ? { evidence: { sessionId: row.evidenceSessionId, reason: row.reason } } : {}),
    ...(history ? { verifications: history.map(verificationDto) } : {}),
    createdAt: row.createdAt.toISOString(),
  };
}

function verificationDto(v: RemediationVerificationRow): Verification {
  return {
    sessionId: v.id,
    workflowId: v.workflowId,
    trigger: v.trigger,
    scenarioId: v.scenarioId,
    systemId: v.systemId,
    commands: v.commands,
    digests: { scenario: v.scenarioDigest, system: v.systemDigest, commands: v.commandsDigest, combined: v.digest },
    status: v.status,
    reason: v.reason,
    startedAt: v.startedAt.toISOString(),
    finishedAt: v.finishedAt?.toISOString() ?? null,
  };
}

/** A remediation with its verifications, newest first: the status shown is the latest verdict. */
export async function remediationWithHistory(db: Database, id: string): Promise<Remediation> {
  const [row] = await db.select().from(remediations).where(eq(remediations.id, id));
  if (!row) throw notFound(`remediation "${id}"`);
  const history = await db
    .select()
    .from(remediationVerifications)
    .where(eq(remediationVerifications.remediationId, id))
    .orderBy(desc(remediationVerifications.startedAt));
  return remediationDto(row, history);
}

/** A report anyone may read: every status but draft. */
export async function requireReport(db: Database, id: string): Promise<ReportRow> {
  const [row] = await db.select().from(reports).where(eq(reports.id, id));
  if (!row || row.status === 'draft') throw notFound(`report "${id}"`);
  return row;
}

export async function reportDto(db: Database, row: ReportRow): Promise<ReportDto> {
  const [fixes, duplicates, similar, suggestedTags] = await Promise.all([
    db.select().from(remediations).where(eq(remediations.reportId, row.id)).orderBy(remediations.createdAt),
    db.select({ id: reports.id }).from(reports).where(eq(reports.duplicateOf, row.id)),
    similarTo(db, row.id),
    suggestTags(db, row.id),
  ]);
  return {
    ...reportFields(row),
    status: row.status,
    remediationSteps: row.remediationSteps,
    suggestedTags,
    sessionId: row.sessionId,
    behaviour: row.behaviour,
    duplicateOf: row.duplicateOf,
    duplicates: duplicates.map((d) => d.id),
    remediations: fixes.map((fix) => remediationDto(fix)),
    similar,
    createdAt: row.createdAt.toISOString(),
  };
}

/** What a report says and how it was categorised: the page, the feed and webhooks all show these. */
export function reportFields(row: ReportRow) {
  return {
    id: row.id,
    title: row.title,
    whatFailed: row.whatFailed,
    impact: row.impact,
    detection: row.detection,
    trigger: row.trigger,
    timeline: row.timeline,
    environment: row.environment,
    rootCause: row.rootCause,
    links: row.links,
    tags: row.tags,
    scenarioId: row.scenarioId,
    publishedAt: row.publishedAt?.toISOString() ?? null,
  };
}

export function summaryDto(
  row: Pick<ReportRow, 'id' | 'title' | 'status' | 'tags' | 'components' | 'scenarioId' | 'createdAt'>,
): ReportSummary {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    tags: row.tags,
    components: row.components,
    scenarioId: row.scenarioId,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Reports of a status (never drafts), optionally with a tag and matching a search (full text, or title trigrams). */
export async function listReports(
  db: Database,
  { q, tag, status, limit = 100 }: { q?: string; tag?: string; status: ReportStatus[]; limit?: number },
): Promise<ReportSummary[]> {
  const where: SQL[] = [inArray(reports.status, status)];
  if (tag) where.push(sql`${reports.tags} @> array[${tag}]::text[]`);
  const text = q?.trim();
  if (text) where.push(sql`(${reports.search} @@ websearch_to_tsquery('english', ${text}) or ${reports.title} % ${text})`);
  const rows = await db
    .select()
    .from(reports)
    .where(and(...where))
    .orderBy(
      ...(text
        ? [desc(sql`ts_rank(${reports.search}, websearch_to_tsquery('english', ${text})) + similarity(${reports.title}, ${text})`)]
        : []),
      desc(reports.createdAt),
    )
    .limit(limit);
  return rows.map(summaryDto);
}
