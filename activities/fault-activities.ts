// Activities for the steps of a scenario, which the session workflow interprets one at a time: apply a
// fault and confirm it took, revert one, wait for a cluster condition. Each is idempotent and keyed by
// the step's path in the scenario, so a retry after a crash re-applies the same fault and writes no
// second event.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Database } from '../db/client.ts';
import type { Fault, Predicate } from '../scenarios/lib/schema.ts';
import { ErrorType } from '../workflows/error-types.ts';
import type { Kube } from '../cluster/kube.ts';
import { sessionIdOfWorkflowId } from '../workflows/session-ids.ts';
import { applyFault, faultTookEffect, FaultTargetMissingError, revertFault } from './faults/apply-fault.ts';
import { recordEvent } from './session-store.ts';
import { evaluatePredicate } from './oracle/predicates.ts';

export interface FaultStepInput {
  sessionId: string;
  namespace: string;
  fault: Fault;
  key: string;
}

/** `sessionId` is absent in activities scheduled by workflows started before the workflow passed it. */
export interface WaitForConditionInput {
  sessionId?: string;
  namespace: string;
  condition: Predicate;
  timeoutSeconds: number;
}

const CONFIRM_POLL_MS = 250;

/** The engine's clients for the cluster a session's sandbox is on (ClusterDriver.kubeFor). */
export type KubeFor = (sessionId: string) => Promise<Kube>;

export function createFaultActivities({ db, kubeFor }: { db: Database; kubeFor: KubeFor }) {
  async function untilTrue(check: () => Promise<boolean>): Promise<void> {
    const context = Context.current();
    while (!(await check())) {
      context.heartbeat();
      await sleep(CONFIRM_POLL_MS, undefined, { signal: context.cancellationSignal });
    }
  }

  return {
    /** Applies one fault and returns once cluster state shows it took effect. */
    async applyFaultStep({ sessionId, namespace, fault, key }: FaultStepInput): Promise<string> {
      const kube = await kubeFor(sessionId);
      let summary: string;
      try {
        summary = await applyFault(kube, namespace, fault, { sessionId });
      } catch (error) {
        if (error instanceof FaultTargetMissingError) throw ApplicationFailure.nonRetryable(error.message, ErrorType.FaultTargetMissing);
        throw error;
      }
      await untilTrue(() => faultTookEffect(kube, namespace, fault, { sessionId }));
      // The summary names the fault: it goes into the event's detail, which Challenge mode never shows.
      await recordEvent(db, {
        sessionId,
        dedupeKey: `fault:${key}`,
        kind: 'note',
        summary: 'Fault injected',
        detail: { step: key, summary },
      });
      return summary;
    },

    /** Undoes a fault applied by an earlier step (scenarios that break, heal and break again). */
    async revertFaultStep({ sessionId, namespace, fault, key }: FaultStepInput): Promise<string> {
      const summary = await revertFault(await kubeFor(sessionId), namespace, fault, { sessionId });
      await recordEvent(db, {
        sessionId,
        dedupeKey: `revert:${key}`,
        kind: 'note',
        summary: 'Fault reverted',
        detail: { step: key, summary },
      });
      return summary;
    },

    /** Waits for a cluster condition (e.g. a certificate issued) before the scenario goes on. */
    async waitForCondition({ sessionId: given, namespace, condition, timeoutSeconds }: WaitForConditionInput): Promise<void> {
      const info = Context.current().info;
      // Sessions started before the workflow passed its session id: their workflow id names it.
      const workflowId = info.workflowExecution?.workflowId ?? '';
      const sessionId = given ?? sessionIdOfWorkflowId(workflowId);
      if (!sessionId) throw ApplicationFailure.nonRetryable(`waitForCondition belongs to a session workflow, not "${workflowId}"`);
      const kube = await kubeFor(sessionId);
      // Measured from the first attempt: a retry must not restart the clock.
      const started = info.scheduledTimestampMs;
      await untilTrue(async () => {
        if ((await evaluatePredicate(kube, namespace, condition)).ok) return true;
        if (Date.now() - started > timeoutSeconds * 1000) {
          throw ApplicationFailure.nonRetryable(
            `condition not met within ${timeoutSeconds}s: ${JSON.stringify(condition)}`,
            ErrorType.ConditionTimedOut,
          );
        }
        return false;
      });
    },
  };
}

export type FaultActivities = ReturnType<typeof createFaultActivities>;
