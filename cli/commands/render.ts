// `failurelib render <scenario> --system <id>`: the system's manifests, then what each fault step does:
// the objects it creates, and a comment for the objects it changes.
import { stringify } from 'yaml';
import { faultRegistry } from '../../activities/faults/registry.ts';
import type { Library } from '../../scenarios/lib/load.ts';
import type { Fault } from '../../scenarios/lib/schema.ts';
import { faultSteps } from '../../scenarios/lib/steps.ts';
import { UsageError } from '../usage-error.ts';

const NAMESPACE = 'fl-sandbox';

function createdObjects(fault: Fault): object[] {
  const handler = faultRegistry[fault.type] as { creates?: (context: { namespace: string }, fault: Fault) => object[] };
  return handler.creates?.({ namespace: NAMESPACE }, fault) ?? [];
}

export function render(library: Library, id: string | undefined, systemId: string | undefined, out: (line: string) => void): number {
  const scenario = id ? library.scenarios.get(id) : undefined;
  if (!scenario) throw new UsageError(id ? `no scenario "${id}" (see \`failurelib list\`)` : 'render needs a scenario id');
  const chosen = systemId ?? scenario.spec.systems[0]!;
  if (!scenario.spec.systems.includes(chosen))
    throw new UsageError(`scenario ${id} does not run on system "${chosen}" (it runs on: ${scenario.spec.systems.join(', ')})`);
  const system = library.systems.get(chosen)!;
  out(`# System ${chosen}, applied into the sandbox namespace (${NAMESPACE} here)`);
  out(system.manifests.trimEnd());
  for (const step of faultSteps(scenario.spec.steps)) {
    out('---');
    out(`# ${step.path}${step.id ? ` (id ${step.id})` : ''}: fault ${step.fault.type} ${JSON.stringify(step.fault.args)}`);
    const objects = createdObjects(step.fault);
    if (objects.length === 0) out('# changes existing objects only; nothing new is created');
    objects.forEach((object, index) => out((index > 0 ? '---\n' : '') + stringify(object).trimEnd()));
  }
  return 0;
}
