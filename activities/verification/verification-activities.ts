// Verifying a remediation: its kubectl commands are the participant's solution in a headless session of the
// report's scenario. Once the session is ready this starts it, waits until the fault is in (running), and runs the
// commands with the participant's own namespace-scoped credentials, as `failurelib run --solve` does. The session
// workflow judges the repair (SLA green and the oracle holding); the verdict is stored on the remediation. A remediation
// of a published report turning verified is published to webhook subscribers, and one they were told was verified
// and is now refuted is retracted: the deliveries are written with the verdict (the outbox), and started by
// dispatchPublications (the workflow's publish-verified-remediation branch, whatever the verdict).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import type { Kube } from '../../cluster/kube.ts';
import { renderKubeconfig } from '../../cluster/kubeconfig.ts';
import { issueParticipantToken } from '../../cluster/sandbox.ts';
import type { Database } from '../../db/client.ts';
import { dispatchDeliveries, enqueueRemediationRetracted, enqueueRemediationVerified } from '../../db/publications.ts';
import { remediations, remediationVerifications, reportAudit, sessions } from '../../db/schema.ts';
import { latestVerification } from '../../db/verification-history.ts';
import { isTerminalPhase } from '../../domain/session-terms.ts';
import type { Library } from '../../scenarios/lib/load.ts';
import type { CommandOutput, VerificationVerdict } from '../../workflows/types.ts';

const run = promisify(execFile);

/** Where verified (and retracted) remediations are published: the publications' task queue and the links' origin. */
export interface PublicationTarget {
  library: Library;
  webOrigin: string;
  taskQueue: string;
}

/**
 * A verification's verdict in its history row, and on the remediation (with its reason and the session as evidence,
 * and an audit entry) unless a later verification of it has started since; undefined: no such remediation. A
 * `verified` verdict stored on a remediation of a published report writes its webhook deliveries in the same
 * transaction, and so does a `refuted` one on a remediation subscribers were told was verified (its retraction);
 * returns their publications (to dispatch).
 */
async function recordVerification(
  db: Database,
  remediationId: string,
  verdict: VerificationVerdict,
  publish: PublicationTarget | undefined,
): Promise<string[] | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(remediations).where(eq(remediations.id, remediationId)).for('update');
    if (!row) return undefined;
    const now = new Date();
    await tx
      .update(remediationVerifications)
      .set({ status: verdict.status, reason: verdict.reason, finishedAt: now })
      .where(eq(remediationVerifications.id, verdict.sessionId));
    const latest = await latestVerification(tx, remediationId);
    if (latest && latest.id !== verdict.sessionId) return [];
    await tx
      .update(remediations)
      .set({ status: verdict.status, reason: verdict.reason, evidenceSessionId: verdict.sessionId, updatedAt: now })
      .where(eq(remediations.id, remediationId));
    await tx.insert(reportAudit).values({
      reportId: row.reportId,
      remediationId,
      actor: 'system',
      action: `remediation ${verdict.status}`,
      changes: {
        status: { before: row.status, after: verdict.status },
        reason: { after: verdict.reason },
        evidenceSessionId: { after: verdict.sessionId },
      },
    });
    if (!publish) return [];
    if (verdict.status === 'refuted') return enqueueRemediationRetracted(tx, publish.webOrigin, remediationId, verdict.sessionId);
    return enqueueRemediationVerified(tx, publish.library, publish.webOrigin, remediationId);
  });
}

export function createVerificationActivities({
  db,
  kubeFor,
  publish,
}: {
  db: Database;
  kubeFor: (sessionId: string) => Promise<Kube>;
  /** Undefined: verified remediations are not published to webhook subscribers (a worker without publications). */
  publish?: PublicationTarget | undefined;
}) {
  const phaseOf = async (sessionId: string) => {
    const [row] = await db
      .select({ phase: sessions.phase, namespace: sessions.namespace })
      .from(sessions)
      .where(eq(sessions.id, sessionId));
    return row;
  };
  return {
    /** Starts the ready session, waits for the fault, runs the commands; undefined when the session ended first. */
    async applyRemediation(input: {
      sessionId: string;
      sessionWorkflowId: string;
      commands: string[];
    }): Promise<CommandOutput[] | undefined> {
      const context = Context.current();
      let started = false;
      for (;;) {
        context.heartbeat();
        const row = await phaseOf(input.sessionId);
        if (!row || isTerminalPhase(row.phase)) return undefined;
        if (row.phase === 'ready' && !started) {
          await context.client.workflow.getHandle(input.sessionWorkflowId).executeUpdate('start');
          started = true;
        }
        if (row.phase === 'running' && row.namespace) {
          const kube = await kubeFor(input.sessionId);
          const { token } = await issueParticipantToken(kube, row.namespace, 600);
          const dir = mkdtempSync(join(tmpdir(), 'fl-verify-'));
          const kubeconfig = join(dir, 'kubeconfig');
          writeFileSync(
            kubeconfig,
            renderKubeconfig({ server: kube.server, caData: kube.caData, token, user: 'participant', namespace: row.namespace }),
            { mode: 0o600 },
          );
          const outputs: CommandOutput[] = [];
          try {
            for (const command of input.commands) {
              context.heartbeat();
              try {
                const { stdout, stderr } = await run('bash', ['-c', `set -o pipefail; ${command}`], {
                  timeout: 60_000,
                  // The worker's PATH (kubectl on it), and only the participant's kubeconfig.
                  env: { PATH: process.env.PATH ?? '/usr/bin:/bin', KUBECONFIG: kubeconfig, HOME: dir },
                });
                outputs.push({ command, ok: true, output: (stdout + stderr).slice(0, 2000) });
              } catch (error) {
                const e = error as { stdout?: string; stderr?: string; message: string };
                outputs.push({ command, ok: false, output: `${e.stdout ?? ''}${e.stderr ?? e.message}`.slice(0, 2000) });
              }
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
          return outputs;
        }
        await sleep(500);
      }
    },

    /** Returns the webhook publications the verdict wrote (turning verified on a published report, or retracted). */
    async recordVerification(input: { remediationId: string; verdict: VerificationVerdict }): Promise<string[]> {
      const publications = await recordVerification(db, input.remediationId, input.verdict, publish);
      if (!publications) throw ApplicationFailure.nonRetryable(`no remediation ${input.remediationId}`, 'RemediationMissing');
      return publications;
    },

    /** Starts the delivery workflows of these publications (each once: a duplicate workflow id is refused). */
    async dispatchPublications(publications: string[]): Promise<number> {
      if (!publish) return 0;
      return dispatchDeliveries(db, Context.current().client, publish.taskQueue, publications);
    },
  };
}

export type VerificationActivities = ReturnType<typeof createVerificationActivities>;
