// Writing reports: drafts and submissions keyed by the client's idempotency key, review decisions, and the
// audit trail. Every change is one transaction with its audit rows: nothing is half-written.
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { remediations, reportAudit, reports, sessions, type RemediationRow, type ReportRow } from '../../db/schema.ts';
import { LAYERS, REQUIRED_REPORT_FIELDS, SYMPTOMS, TRIGGERS, type ReportStatus } from '../../domain/report-terms.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import type { ReportInput, Review } from './report-contract.ts';

type Actor = 'reporter' | 'reviewer' | 'operator' | 'system';
type Changes = Record<string, { before?: unknown; after?: unknown }>;
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Components compare without case, spaces or dashes: "Network Policy", "networkpolicy" and "network-policy" are one. */
export function normalizeComponent(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The row's fields a reporter sets, from the input (absent fields keep their value). */
function fieldsOf(input: ReportInput): Partial<ReportRow> {
  const fields: Partial<ReportRow> = {};
  for (const key of ['title', 'whatFailed', 'impact', 'detection', 'trigger', 'timeline'] as const)
    if (input[key] !== undefined) fields[key] = input[key].trim();
  for (const key of ['rootCause', 'remediationSteps'] as const) if (input[key] !== undefined) fields[key] = input[key].trim() || null;
  if (input.links !== undefined) fields.links = [...new Set(input.links)];
  if (input.environment !== undefined) {
    const components = [...new Set(input.environment.components.map((c) => c.trim()).filter(Boolean))];
    fields.environment = {
      ...(input.environment.kubernetesVersion?.trim() ? { kubernetesVersion: input.environment.kubernetesVersion.trim() } : {}),
      ...(input.environment.provider?.trim() ? { provider: input.environment.provider.trim() } : {}),
      components,
    };
    fields.components = [...new Set(components.map(normalizeComponent).filter(Boolean))];
  }
  return fields;
}

/** Every required field a submission lacks, each named, at once. */
export function missingForSubmission(row: Pick<ReportRow, (typeof REQUIRED_REPORT_FIELDS)[number] | 'environment'>) {
  const problems: { field: string; message: string }[] = REQUIRED_REPORT_FIELDS.flatMap((field) =>
    row[field].trim() ? [] : [{ field, message: 'is required to submit' }],
  );
  if (!row.environment.kubernetesVersion) problems.push({ field: 'environment.kubernetesVersion', message: 'is required to submit' });
  if (!row.environment.provider) problems.push({ field: 'environment.provider', message: 'is required to submit' });
  if (row.environment.components.length === 0) problems.push({ field: 'environment.components', message: 'name at least one component' });
  return problems;
}

function diff<Row extends object>(before: Partial<Row>, after: Partial<Row>): Changes {
  const changes: Changes = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before[key as keyof Row];
    if (JSON.stringify(old) !== JSON.stringify(value)) changes[key] = { before: old, after: value };
  }
  return changes;
}

async function audit(tx: Tx, reportId: string, actor: Actor, action: string, changes: Changes = {}, remediationId?: string) {
  await tx.insert(reportAudit).values({ reportId, actor, action, changes, remediationId });
}

export interface SaveResult {
  row: ReportRow;
  created: boolean;
}

/**
 * Creates the report of this key, or updates it while it is a draft; a key whose report was submitted returns it
 * unchanged. Submitting (draft: false) checks every required field first and refuses with all of them named.
 */
export async function saveReport(db: Database, key: string, input: ReportInput, origin: 'user' | 'seed' = 'user'): Promise<SaveResult> {
  const submit = input.draft !== true;
  const fields = fieldsOf(input);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(reports).where(eq(reports.idempotencyKey, key)).for('update');
    if (existing && existing.status !== 'draft') return { row: existing, created: false };
    const base = existing ?? {
      title: '',
      whatFailed: '',
      impact: '',
      detection: '',
      trigger: '',
      timeline: '',
      environment: { components: [] },
    };
    const merged = { ...base, ...fields };
    if (submit) {
      const problems = missingForSubmission(merged);
      if (problems.length > 0)
        throw badRequest(`the report cannot be submitted: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);
    }
    const now = new Date();
    const status: ReportStatus = submit ? 'submitted' : 'draft';
    const lifecycle = submit ? { status, submittedAt: now } : { status };
    if (!existing) {
      const [inserted] = await tx
        .insert(reports)
        .values({ id: randomUUID(), idempotencyKey: key, origin, ...fields, ...lifecycle })
        .onConflictDoNothing()
        .returning();
      // Another request with this key won the race: it is the same report.
      if (!inserted) {
        const [winner] = await tx.select().from(reports).where(eq(reports.idempotencyKey, key));
        return { row: winner!, created: false };
      }
      await audit(tx, inserted.id, 'reporter', submit ? 'submitted' : 'draft saved', diff({}, fields));
      return { row: inserted, created: true };
    }
    const [updated] = await tx
      .update(reports)
      .set({ ...fields, ...lifecycle, updatedAt: now })
      .where(eq(reports.id, existing.id))
      .returning();
    await audit(tx, existing.id, 'reporter', submit ? 'submitted' : 'draft saved', diff(existing, { ...fields, status }));
    return { row: updated!, created: false };
  });
}

/** The taxonomy a published report needs: one layer, at least one symptom, one trigger. */
export function taxonomyProblems(tags: string[]) {
  const count = (set: readonly string[]) => tags.filter((t) => set.includes(t)).length;
  const problems: { field: string; message: string }[] = [];
  if (count(LAYERS) !== 1) problems.push({ field: 'tags', message: `need exactly one layer (${LAYERS.join(', ')})` });
  if (count(SYMPTOMS) < 1) problems.push({ field: 'tags', message: `need at least one symptom (${SYMPTOMS.join(', ')})` });
  if (count(TRIGGERS) !== 1) problems.push({ field: 'tags', message: `need exactly one trigger (${TRIGGERS.join(', ')})` });
  return problems;
}

export interface ReviewOutcome {
  row: ReportRow;
  /** The report was published by this review (not before). */
  published: boolean;
}

/**
 * A reviewer's decision. Publishing needs the taxonomy; a duplicate is merged into its original (links and
 * components joined, remediations moved), so the original carries everything people reported.
 */
export async function reviewReport(
  db: Database,
  id: string,
  review: Review,
  actor: 'reviewer' | 'operator',
  scenarioExists: (id: string) => boolean,
  /** Writes what publishing the report tells subscribers (the outbox), in this review's transaction. */
  onPublished?: (tx: Tx, row: ReportRow) => Promise<unknown>,
): Promise<ReviewOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(reports).where(eq(reports.id, id)).for('update');
    if (!row || row.status === 'draft') throw notFound(`report "${id}"`);
    const problems: { field: string; message: string }[] = [];
    const tags = review.tags ? [...new Set(review.tags)] : row.tags;
    if (review.status === 'published') problems.push(...taxonomyProblems(tags));
    if (review.scenarioId !== undefined && !scenarioExists(review.scenarioId))
      problems.push({ field: 'scenarioId', message: `no scenario "${review.scenarioId}" in the library` });
    if (review.sessionId !== undefined) {
      const [session] = await tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, review.sessionId));
      if (!session) problems.push({ field: 'sessionId', message: `no session "${review.sessionId}" was recorded` });
    }
    let original: ReportRow | undefined;
    if (review.status === 'duplicate') {
      if (!review.duplicateOf) problems.push({ field: 'duplicateOf', message: 'name the report this one duplicates' });
      else if (review.duplicateOf === id) problems.push({ field: 'duplicateOf', message: 'a report cannot duplicate itself' });
      else {
        [original] = await tx.select().from(reports).where(eq(reports.id, review.duplicateOf)).for('update');
        if (!original || original.status === 'draft' || original.status === 'rejected')
          problems.push({ field: 'duplicateOf', message: `no report "${review.duplicateOf}" to merge into` });
        else if (original.status === 'duplicate')
          problems.push({
            field: 'duplicateOf',
            message: `"${original.id}" is itself a duplicate of "${original.duplicateOf}": merge into that`,
          });
      }
    } else if (review.duplicateOf !== undefined) problems.push({ field: 'duplicateOf', message: 'only for status "duplicate"' });
    if (problems.length > 0) throw badRequest(`invalid review: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);

    const now = new Date();
    const next: Partial<ReportRow> = {
      status: review.status,
      tags,
      ...(review.scenarioId !== undefined ? { scenarioId: review.scenarioId } : {}),
      ...(review.sessionId !== undefined ? { sessionId: review.sessionId } : {}),
      duplicateOf: review.status === 'duplicate' ? review.duplicateOf! : null,
      ...(review.status === 'published' && !row.publishedAt ? { publishedAt: now } : {}),
    };
    const [updated] = await tx
      .update(reports)
      .set({ ...next, updatedAt: now })
      .where(eq(reports.id, id))
      .returning();
    await audit(tx, id, actor, `reviewed: ${review.status}`, diff(row, next));
    if (original) {
      const merged: Partial<ReportRow> = {
        links: [...new Set([...original.links, ...row.links])],
        components: [...new Set([...original.components, ...row.components])],
        environment: {
          ...original.environment,
          components: [...new Set([...original.environment.components, ...row.environment.components])],
        },
        tags: [...new Set([...original.tags, ...tags])],
      };
      await tx
        .update(reports)
        .set({ ...merged, updatedAt: now })
        .where(eq(reports.id, original.id));
      const moved = await tx
        .update(remediations)
        .set({ reportId: original.id, updatedAt: now })
        .where(eq(remediations.reportId, id))
        .returning({ id: remediations.id });
      await audit(tx, original.id, actor, `merged duplicate ${id}`, {
        ...diff(original, merged),
        ...(moved.length > 0 ? { remediations: { after: moved.map((m) => m.id) } } : {}),
      });
    }
    const published = review.status === 'published' && row.status !== 'published';
    if (published) await onPublished?.(tx, updated!);
    return { row: updated!, published };
  });
}

export async function addRemediation(
  db: Database,
  reportId: string,
  input: { summary: string; commands: string[] },
  key: string | undefined,
): Promise<{ id: string; created: boolean }> {
  return db.transaction(async (tx) => {
    const [report] = await tx.select({ status: reports.status }).from(reports).where(eq(reports.id, reportId));
    if (!report || report.status === 'draft') throw notFound(`report "${reportId}"`);
    if (report.status === 'rejected') throw conflict('the report was rejected: remediations go to reports that stand');
    if (key) {
      const [existing] = await tx
        .select({ id: remediations.id })
        .from(remediations)
        .where(and(eq(remediations.idempotencyKey, key), eq(remediations.reportId, reportId)));
      if (existing) return { id: existing.id, created: false };
    }
    const id = randomUUID();
    const commands = input.commands.map((c) => c.trim());
    const inserted = await tx
      .insert(remediations)
      .values({ id, reportId, idempotencyKey: key, summary: input.summary.trim(), commands })
      .onConflictDoNothing()
      .returning({ id: remediations.id });
    if (inserted.length === 0) throw conflict('this Idempotency-Key was used for a remediation of another report');
    await audit(
      tx,
      reportId,
      'reporter',
      'remediation added',
      { summary: { after: input.summary.trim() }, commands: { after: commands } },
      id,
    );
    return { id, created: true };
  });
}

/**
 * A reviewer edits a remediation's summary or commands (audited). New commands void the verdict (it was about the old
 * ones): the remediation reads `unverified` until it is verified again. Refused while a verification runs.
 */
export async function editRemediation(
  db: Database,
  reportId: string,
  remediationId: string,
  input: { summary?: string; commands?: string[] },
  actor: 'reviewer' | 'operator',
): Promise<{ row: RemediationRow; commandsChanged: boolean }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(remediations)
      .where(and(eq(remediations.id, remediationId), eq(remediations.reportId, reportId)))
      .for('update');
    if (!row) throw notFound(`remediation "${remediationId}" of report "${reportId}"`);
    if (row.status === 'verifying') throw conflict('this remediation is being verified: edit it once the verdict is in');
    const next: Partial<RemediationRow> = {};
    if (input.summary !== undefined) next.summary = input.summary.trim();
    if (input.commands !== undefined) next.commands = input.commands.map((c) => c.trim());
    const changes = diff<RemediationRow>(row, next);
    const commandsChanged = 'commands' in changes;
    if (Object.keys(changes).length === 0) return { row, commandsChanged };
    if (commandsChanged) Object.assign(next, { status: 'unverified', reason: null, evidenceSessionId: null });
    const [updated] = await tx
      .update(remediations)
      .set({ ...next, updatedAt: new Date() })
      .where(eq(remediations.id, remediationId))
      .returning();
    await audit(tx, reportId, actor, 'remediation edited', changes, remediationId);
    return { row: updated!, commandsChanged };
  });
}

/** A report's audit trail, oldest first. */
export async function auditTrail(db: Database, reportId: string) {
  return db.select().from(reportAudit).where(eq(reportAudit.reportId, reportId)).orderBy(reportAudit.id);
}

export const reportIsVisible = sql`${reports.status} <> 'draft'`;
