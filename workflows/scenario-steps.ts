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
  retry: {
    initialInterval: '1 second',
    maximumInterval: '15 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

export interface StepContext {
  sessionId: string;
  namespace: string;
}

export interface StepOptions {
  /** Sessions started before waitForCondition took the session id keep its old input (their activities find it themselves). */
  conditionNamesSession: boolean;
}

interface Run {
  context: StepContext;
  options: StepOptions;
  applied: Map<string, Fault>;
}

/** Runs the steps in order; the top level of a scenario is a serial list. */
export async function runScenarioSteps(steps: Step[], context: StepContext, options: StepOptions): Promise<void> {
  await runSerial(steps, 'steps', { context, options, applied: new Map() });
}

async function runSerial(steps: Step[], path: string, run: Run): Promise<void> {
  for (const [index, step] of steps.entries()) await runStep(step, `${path}.${index}`, run);
}

async function runStep(step: Step, path: string, run: Run): Promise<void> {
  const { context, applied } = run;
  if ('fault' in step) {
    await faults.applyFaultStep.executeWithOptions({ summary: `apply fault ${step.fault.type} (${path})` }, [
      { ...context, fault: step.fault, key: path },
    ]);
    applied.set(step.id ?? path, step.fault);
  } else if ('serial' in step) {
    await runSerial(step.serial, `${path}.serial`, run);
  } else if ('parallel' in step) {
    await Promise.all(step.parallel.map((child, index) => runStep(child, `${path}.parallel.${index}`, run)));
  } else if ('wait' in step) {
    await sleep(step.wait.seconds * 1000);
  } else if ('waitUntil' in step) {
    const { condition, timeoutSeconds } = step.waitUntil;
    await faults.waitForCondition.executeWithOptions(
      {
        summary: `wait until ${Object.keys(condition)[0] ?? 'condition'} (${path})`,
        startToCloseTimeout: `${timeoutSeconds + 60} seconds`,
      },
      [
        {
          ...(run.options.conditionNamesSession ? { sessionId: context.sessionId } : {}),
          namespace: context.namespace,
          condition,
          timeoutSeconds,
        },
      ],
    );
  } else {
    const fault = applied.get(step.revert.fault);
    if (!fault)
      throw ApplicationFailure.nonRetryable(`revert names no earlier fault step: ${step.revert.fault}`, ErrorType.UnknownRevertTarget);
    await faults.revertFaultStep.executeWithOptions({ summary: `revert fault ${fault.type} (${path})` }, [
      { ...context, fault, key: path },
    ]);
  }
}
