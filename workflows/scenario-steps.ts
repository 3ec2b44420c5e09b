// Interprets a scenario's steps durably (like Chaos Mesh Workflows or Temporal's DSL sample): each fault,
// revert and cluster wait is an activity keyed by the step's path; `wait` is a durable timer.
import { ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { SessionActivities } from '../activities/session-activities.ts';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from './error-types.ts';
import type { Step } from './types.ts';

type Fault = Extract<Step, { fault: unknown }>['fault'];

const faults = proxyActivities<SessionActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '15 seconds', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

export interface StepContext { sessionId: string; namespace: string }

/** Runs the steps in order; the top level of a scenario is a serial list. */
export async function runScenarioSteps(steps: Step[], context: StepContext): Promise<void> {
  const applied = new Map<string, Fault>();
  await runSerial(steps, 'steps', context, applied);
}

async function runSerial(steps: Step[], path: string, context: StepContext, applied: Map<string, Fault>): Promise<void> {
  for (const [index, step] of steps.entries()) await runStep(step, `${path}.${index}`, context, applied);
}

async function runStep(step: Step, path: string, context: StepContext, applied: Map<string, Fault>): Promise<void> {
  if ('fault' in step) {
    await faults.applyFaultStep.executeWithOptions({ summary: `apply fault ${step.fault.type} (${path})` }, [{ ...context, fault: step.fault, key: path }]);
    applied.set(step.id ?? path, step.fault);
  } else if ('serial' in step) {
    await runSerial(step.serial, `${path}.serial`, context, applied);
  } else if ('parallel' in step) {
    await Promise.all(step.parallel.map((child, index) => runStep(child, `${path}.parallel.${index}`, context, applied)));
  } else if ('wait' in step) {
    await sleep(step.wait.seconds * 1000);
  } else if ('waitUntil' in step) {
    const { condition, timeoutSeconds } = step.waitUntil;
    await faults.waitForCondition.executeWithOptions({
      summary: `wait until ${Object.keys(condition)[0] ?? 'condition'} (${path})`,
      startToCloseTimeout: `${timeoutSeconds + 60} seconds`,
    }, [{ namespace: context.namespace, condition, timeoutSeconds }]);
  } else {
    const fault = applied.get(step.revert.fault);
    if (!fault) throw ApplicationFailure.nonRetryable(`revert names no earlier fault step: ${step.revert.fault}`, ErrorType.UnknownRevertTarget);
    await faults.revertFaultStep.executeWithOptions({ summary: `revert fault ${fault.type} (${path})` }, [{ ...context, fault, key: path }]);
  }
}
