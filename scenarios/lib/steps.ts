// Reading a scenario's step tree: the faults it applies (with their ids), the names they act on, the steps in order.
import type { Fault, Step } from './schema.ts';

export interface FaultStep { id?: string; fault: Fault; path: string }

/** Every fault step in the tree, depth first, with its field path (e.g. `spec.steps.0.serial.1`). */
export function faultSteps(steps: Step[], base = 'spec.steps'): FaultStep[] {
  return steps.flatMap((step, index): FaultStep[] => {
    const path = `${base}.${index}`;
    if ('fault' in step) return [{ id: step.id, fault: step.fault, path }];
    if ('serial' in step) return faultSteps(step.serial, `${path}.serial`);
    if ('parallel' in step) return faultSteps(step.parallel, `${path}.parallel`);
    return [];
  });
}

/** Every revert step with its path, for checking that it names a fault step. */
export function revertSteps(steps: Step[], base = 'spec.steps'): { fault: string; path: string }[] {
  return steps.flatMap((step, index) => {
    const path = `${base}.${index}`;
    if ('revert' in step) return [{ fault: step.revert.fault, path: `${path}.revert.fault` }];
    if ('serial' in step) return revertSteps(step.serial, `${path}.serial`);
    if ('parallel' in step) return revertSteps(step.parallel, `${path}.parallel`);
    return [];
  });
}

/** Every name a fault step acts on (its string arguments), through serial/parallel nesting, sorted. */
export function faultTargets(steps: Step[]): string[] {
  const names = new Set(faultSteps(steps).flatMap(({ fault }) => Object.values(fault.args).filter((value): value is string => typeof value === 'string')));
  return [...names].sort();
}
