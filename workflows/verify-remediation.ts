// verifyRemediation: plays a headless session of the report's scenario (the scenarioSession workflow as a child,
// visible in the Temporal UI like any session) with the remediation's commands as the solution. `verified` when the
// session completes (SLA green and the oracle holding), `refuted` with the reason otherwise; the session is the
// evidence. A verified remediation of a published report is then published to webhook subscribers, and a refuted one
// they were told was verified is retracted (the deliveries written with the verdict by recordVerification, their
// deliverWebhook workflows started by an activity: the same branch for both). Deterministic: only
// @temporalio/workflow and types.
import { patched, proxyActivities, setCurrentDetails, startChild } from '@temporalio/workflow';
import type { VerificationActivities } from '../activities/verification/verification-activities.ts';
import { scenarioSession } from './scenario-session.ts';
import type { CommandOutput, VerificationInput, VerificationVerdict } from './types.ts';

const driver = proxyActivities<VerificationActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});
const quick = proxyActivities<VerificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes: ['RemediationMissing'] },
});

export async function verifyRemediation(input: VerificationInput): Promise<VerificationVerdict> {
  const { plan } = input;
  setCurrentDetails(`**session**: ${plan.sessionId} (${plan.scenarioId} on ${plan.systemId})`);
  const session = await startChild(scenarioSession, { workflowId: input.sessionWorkflowId, args: [plan] });
  let commands: CommandOutput[] | undefined;
  try {
    commands = await driver.applyRemediation({
      sessionId: plan.sessionId,
      sessionWorkflowId: input.sessionWorkflowId,
      commands: input.commands,
    });
  } catch {
    commands = undefined;
  }
  const state = await session.result();
  const failed = (commands ?? []).filter((c) => !c.ok);
  const failedNote =
    failed.length > 0 ? `; failed: ${failed.map((c) => `\`${c.command}\` (${c.output.trim().split('\n')[0]})`).join(', ')}` : '';
  let verdict: Pick<VerificationVerdict, 'status' | 'reason'>;
  if (commands === undefined)
    verdict = {
      status: 'refuted',
      reason: `the session ended ${state.phase} before the commands could run${state.failure ? `: ${state.failure}` : ''}`,
    };
  else if (state.phase === 'completed')
    verdict = {
      status: 'verified',
      reason: `SLA green and the oracle holding after the commands (session repaired at ${state.repairedAt})`,
    };
  else if (state.phase === 'timed_out')
    verdict = {
      status: 'refuted',
      reason: `SLA still red (or the oracle failing) ${plan.timeLimitSeconds}s after the session started, the commands run${failedNote}`,
    };
  else verdict = { status: 'refuted', reason: `the session ended ${state.phase}${state.failure ? `: ${state.failure}` : ''}${failedNote}` };
  const result: VerificationVerdict = { ...verdict, sessionId: plan.sessionId, commands: commands ?? [] };
  // A worker of the previous version returned nothing here (no deliveries written).
  const publications: string[] | undefined = await quick.recordVerification({ remediationId: input.remediationId, verdict: result });
  // Histories recorded before publication have no marker here: they replay without the dispatch.
  if (patched('publish-verified-remediation') && publications && publications.length > 0) await quick.dispatchPublications(publications);
  setCurrentDetails(`**${result.status}**: ${result.reason}`);
  return result;
}
