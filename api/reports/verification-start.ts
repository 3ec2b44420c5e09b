// Starting a remediation's verification, by a reviewer's request, after an edit of its commands, or because the
// library changed under a verdict. Each records what it runs against (content digests of the scenario, its system and
// the commands); its workflow id carries the digest (`verify-remediation-<rid>-<digest>`), so one change of the
// library or of the commands starts one verification however many API processes look for stale verdicts at once.
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { and, eq, inArray, isNotNull, ne } from 'drizzle-orm';
import { remediations, remediationVerifications, reportAudit, reports, sessions } from '../../db/schema.ts';
import { latestVerification } from '../../db/verification-history.ts';
import type { VerificationTrigger } from '../../domain/report-terms.ts';
import { newParticipantToken } from '../../lib/tokens.ts';
import { verificationDigests } from '../../scenarios/lib/verification-digests.ts';
import type { VerificationInput } from '../../workflows/types.ts';
import type { ApiDeps } from '../deps.ts';
import { conflict, HttpError, notFound, unavailable } from '../errors.ts';
import { sessionPlan, workflowIdOf } from '../sessions/session-plan.ts';

type Deps = Pick<ApiDeps, 'db' | 'config' | 'library' | 'temporal'>;

export const verificationWorkflowId = (remediationId: string, digest: string) => `verify-remediation-${remediationId}-${digest}`;

export interface StartedVerification {
  workflowId: string;
  sessionId: string;
  digest: string;
}

/**
 * Starts a verification of the remediation against the library as it is now. With `onlyIfStale`, nothing starts
 * (undefined) when the latest verification ran against the same digests, or when one is running: decided under the
 * remediation's row lock, so concurrent callers start it once. Otherwise a running verification is a 409.
 */
export async function startVerification(
  { db, config, library, temporal }: Deps,
  request: {
    reportId: string;
    remediationId: string;
    actor: 'reviewer' | 'operator' | 'system';
    trigger: VerificationTrigger;
    onlyIfStale?: boolean;
  },
): Promise<StartedVerification | undefined> {
  const [report] = await db.select({ scenarioId: reports.scenarioId }).from(reports).where(eq(reports.id, request.reportId));
  if (!report) throw notFound(`report "${request.reportId}"`);
  const scenario = report.scenarioId ? library.scenarios.get(report.scenarioId) : undefined;
  if (!scenario) throw conflict('the report is linked to no scenario of the library: a reviewer links one first');
  const systemId = scenario.spec.systems[0]!;
  const system = library.systems.get(systemId)!;
  const sessionId = randomUUID();
  const plan = {
    ...sessionPlan(
      sessionId,
      scenario,
      system,
      { scenarioId: scenario.metadata.name, systemId, mode: 'learn', participant: { name: 'verification' } },
      config,
    ),
    timeLimitSeconds: config.verifyTimeLimitSeconds,
  };
  const begun = await db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(remediations)
      .where(and(eq(remediations.id, request.remediationId), eq(remediations.reportId, request.reportId)))
      .for('update');
    if (!row) throw notFound(`remediation "${request.remediationId}" of report "${request.reportId}"`);
    if (row.status === 'verifying') {
      if (request.onlyIfStale) return undefined;
      throw conflict('this remediation is being verified already');
    }
    const digests = verificationDigests(library, scenario.metadata.name, systemId, row.commands)!;
    if (request.onlyIfStale && (await latestVerification(tx, row.id))?.digest === digests.combined) return undefined;
    const workflowId = verificationWorkflowId(row.id, digests.combined);
    await tx.update(remediations).set({ status: 'verifying', updatedAt: new Date() }).where(eq(remediations.id, row.id));
    await tx.insert(sessions).values({
      id: sessionId,
      workflowId: workflowIdOf(sessionId),
      scenarioId: plan.scenarioId,
      systemId,
      mode: 'learn',
      participantName: 'verification',
      tokenHash: newParticipantToken().hash,
      phase: 'provisioning',
    });
    await tx.insert(remediationVerifications).values({
      id: sessionId,
      remediationId: row.id,
      workflowId,
      trigger: request.trigger,
      scenarioId: scenario.metadata.name,
      systemId,
      commands: row.commands,
      scenarioDigest: digests.scenario,
      systemDigest: digests.system,
      commandsDigest: digests.commands,
      digest: digests.combined,
    });
    await tx.insert(reportAudit).values({
      reportId: request.reportId,
      remediationId: row.id,
      actor: request.actor,
      action: 'verification started',
      changes: {
        status: { before: row.status, after: 'verifying' },
        sessionId: { after: sessionId },
        trigger: { after: request.trigger },
        digest: { after: digests.combined },
      },
    });
    return { row, workflowId, digest: digests.combined };
  });
  if (!begun) return undefined;
  const input: VerificationInput = {
    remediationId: begun.row.id,
    commands: begun.row.commands,
    plan,
    sessionWorkflowId: workflowIdOf(sessionId),
  };
  try {
    await temporal.workflow.start('verifyRemediation', { workflowId: begun.workflowId, taskQueue: config.taskQueue, args: [input] });
  } catch (error) {
    // Nothing started: the remediation reads as before, and the next attempt starts afresh.
    await db.transaction(async (tx) => {
      await tx.delete(remediationVerifications).where(eq(remediationVerifications.id, sessionId));
      await tx.delete(sessions).where(eq(sessions.id, sessionId));
      await tx.update(remediations).set({ status: begun.row.status }).where(eq(remediations.id, begun.row.id));
    });
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw conflict('this remediation is being verified already');
    throw unavailable('the session engine is not reachable; try again in a moment');
  }
  return { workflowId: begun.workflowId, sessionId, digest: begun.digest };
}

/**
 * Verifications whose scenario, system or commands changed since they ran are run again (`library-changed`): called
 * at API start, after the library is synced. Remediations never verified are left to reviewers; reports whose
 * scenario left the library are skipped. Returns what it started.
 */
export async function reverifyStale(deps: Deps): Promise<{ remediationId: string; workflowId: string }[]> {
  const { db, library } = deps;
  const candidates = await db
    .selectDistinct({
      id: remediations.id,
      reportId: remediations.reportId,
      scenarioId: reports.scenarioId,
      commands: remediations.commands,
    })
    .from(remediations)
    .innerJoin(reports, eq(reports.id, remediations.reportId))
    .innerJoin(remediationVerifications, eq(remediationVerifications.remediationId, remediations.id))
    .where(and(isNotNull(reports.scenarioId), inArray(reports.status, ['submitted', 'published']), ne(remediations.status, 'verifying')));
  const started: { remediationId: string; workflowId: string }[] = [];
  for (const candidate of candidates) {
    const scenario = library.scenarios.get(candidate.scenarioId!);
    if (!scenario) continue;
    const current = verificationDigests(library, scenario.metadata.name, scenario.spec.systems[0]!, candidate.commands);
    if (!current || (await latestVerification(db, candidate.id))?.digest === current.combined) continue;
    const verification = await startVerification(deps, {
      reportId: candidate.reportId,
      remediationId: candidate.id,
      actor: 'system',
      trigger: 'library-changed',
      onlyIfStale: true,
    }).catch((error: unknown) => {
      // Another process started it between our read and our start.
      if (error instanceof HttpError && error.statusCode === 409) return undefined;
      throw error;
    });
    if (verification) started.push({ remediationId: candidate.id, workflowId: verification.workflowId });
  }
  return started;
}
