// Checks across documents that a schema cannot express: names that must be unique, steps that must exist,
// and objects (fault targets, solution commands, predicates) that must exist in the system's manifests.
import { parseAllDocuments } from 'yaml';
import { configChecksum } from './checksum.ts';
import { kubectlObjectRefs } from './kubectl-refs.ts';
import type { Library, LibraryProblem } from './load.ts';
import type { Fault, Predicate, Scenario, System } from './schema.ts';
import { LOAD_GENERATOR_NAME } from '../../cluster/labels.ts';
import { faultSteps, revertSteps } from './steps.ts';

type Problem = Omit<LibraryProblem, 'line' | 'col'>;
interface Manifest { kind: string; metadata: { name: string }; data?: Record<string, string>; stringData?: Record<string, string> }

export function manifestObjects(manifests: string): Manifest[] {
  return parseAllDocuments(manifests).map((d) => d.toJS() as Manifest | null).filter((o): o is Manifest => Boolean(o?.kind && o.metadata?.name));
}

const key = (kind: string, name: string) => `${kind}/${name}`;

/** The objects a fault step names, by argument field. */
function faultTargets(fault: Fault): { field: string; kind: string; name: string }[] {
  const args = fault.args as Record<string, unknown>;
  const targets: { field: string; kind: string; name: string }[] = [];
  const add = (field: string, kind: string) => { if (typeof args[field] === 'string') targets.push({ field, kind, name: args[field] as string }); };
  if ('deployment' in args) add('deployment', 'Deployment');
  if (fault.type === 'resource-quota-too-small') add('rollout', 'Deployment');
  if (fault.type === 'service-selector-mismatch' || fault.type === 'wrong-target-port') add('service', 'Service');
  if (fault.type === 'secret-credentials-corrupted') add('secret', 'Secret');
  if (fault.type === 'configmap-broken') add('configMap', 'ConfigMap');
  return targets;
}

/** Objects the scenario's faults create, which a solution may name (e.g. to delete them). */
function createdByFaults(scenario: Scenario): string[] {
  return faultSteps(scenario.spec.steps).flatMap(({ fault }) => {
    if (fault.type === 'network-policy-deny') return [key('NetworkPolicy', fault.args.name)];
    if (fault.type === 'resource-quota-too-small') return [key('ResourceQuota', fault.args.name)];
    if (fault.type === 'hpa-max-too-low') return [key('HorizontalPodAutoscaler', fault.args.deployment)];
    return [];
  });
}

function predicateTargets(predicate: Predicate): { kind: string; name: string; field: string }[] {
  const [[name, args]] = Object.entries(predicate) as [[string, Record<string, unknown>]];
  if (name === 'anyOf') return (args as unknown as Predicate[]).flatMap((p, i) => predicateTargets(p).map((t) => ({ ...t, field: `anyOf.${i}.${t.field}` })));
  const kind = name.startsWith('deployment') ? 'Deployment' : name.startsWith('service') ? 'Service' : name === 'configKeyHash' ? String(args.kind) : undefined;
  return kind && typeof args.name === 'string' ? [{ kind, name: args.name, field: `${name}.name` }] : [];
}

/** Pod templates that carry a `checksum/<config>` annotation must carry the checksum of that config. */
function checksumProblems(file: string, objects: Manifest[]): Problem[] {
  const configs = new Map(objects.filter((o) => o.kind === 'Secret' || o.kind === 'ConfigMap').map((o) => {
    const data = o.kind === 'Secret'
      ? { ...Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])), ...o.stringData }
      : { ...o.data };
    return [o.metadata.name, configChecksum(data)];
  }));
  return objects.flatMap((o, index) => {
    const annotations = (o as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } }).spec?.template?.metadata?.annotations ?? {};
    return Object.entries(annotations).filter(([k]) => k.startsWith('checksum/')).flatMap(([k, v]) => {
      const expected = configs.get(k.slice('checksum/'.length));
      return expected === undefined || expected === v ? [] : [{ file, path: `(document ${index + 1})`, message: `${o.kind} ${o.metadata.name}: ${k} is ${v}, but the config's checksum is ${expected}` }];
    });
  });
}

/** Journey objectives name a journey; journeys call Services of the manifests; nothing collides with the engine's load generator. */
function journeyProblems(file: string, system: System, known: Set<string>): Problem[] {
  const problems: Problem[] = [];
  const journeys = system.spec.loadGenerator?.journeys ?? [];
  const names = new Set(journeys.map((j) => j.name));
  system.spec.objectives.forEach((objective, index) => {
    if (objective.journey && !names.has(objective.journey.name)) problems.push({ file, path: `spec.objectives.${index}.journey.name`, message: `no journey "${objective.journey.name}" in spec.loadGenerator.journeys` });
  });
  journeys.forEach((journey, j) => journey.steps.forEach((step, s) => {
    if (!known.has(key('Service', step.service))) problems.push({ file, path: `spec.loadGenerator.journeys.${j}.steps.${s}.service`, message: `no Service "${step.service}" in the manifests` });
  }));
  for (const kind of ['Deployment', 'Service', 'ConfigMap', 'NetworkPolicy']) {
    if (known.has(key(kind, LOAD_GENERATOR_NAME))) problems.push({ file, path: 'spec.manifests', message: `${kind} "${LOAD_GENERATOR_NAME}" is the engine's load generator; the manifests cannot use that name` });
  }
  return problems;
}

export function crossCheck(library: Library, files: Map<string, string>): Problem[] {
  const problems: Problem[] = [];
  const objectsBySystem = new Map([...library.systems].map(([id, system]) => [id, manifestObjects(system.manifests)]));
  for (const [id, system] of library.systems) {
    const objects = objectsBySystem.get(id)!;
    const file = `${system.dir}/${system.system.spec.manifests}`;
    problems.push(...checksumProblems(file, objects));
    const known = new Set(objects.map((o) => key(o.kind, o.metadata.name)));
    system.system.spec.objectives.forEach((objective, index) => {
      for (const target of predicateTargets(objective.kubeState)) {
        if (!known.has(key(target.kind, target.name))) problems.push({ file: `${system.dir}/system.yaml`, path: `spec.objectives.${index}.kubeState.${target.field}`, message: `no ${target.kind} "${target.name}" in the manifests` });
      }
    });
    problems.push(...journeyProblems(`${system.dir}/system.yaml`, system.system, known));
  }
  const codenames = new Map<string, string>();
  for (const [id, scenario] of library.scenarios) {
    const file = files.get(id)!;
    const slug = scenario.spec.codename.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const other = codenames.get(slug);
    if (other) problems.push({ file, path: 'spec.codename', message: `duplicate codename: scenario ${other} already uses "${scenario.spec.codename}"` });
    else codenames.set(slug, id);
    const steps = faultSteps(scenario.spec.steps);
    const ids = new Set<string>();
    for (const step of steps) {
      if (!step.id) continue;
      if (ids.has(step.id)) problems.push({ file, path: `${step.path}.id`, message: `duplicate step id "${step.id}"` });
      ids.add(step.id);
    }
    for (const revert of revertSteps(scenario.spec.steps)) {
      if (!ids.has(revert.fault)) problems.push({ file, path: revert.path, message: `revert of unknown step id "${revert.fault}"${ids.size ? ` (fault steps: ${[...ids].join(', ')})` : ' (no fault step has an id)'}` });
    }
    for (const systemId of scenario.spec.systems) {
      const objects = objectsBySystem.get(systemId);
      if (!objects) continue;
      const inManifests = new Set(objects.map((o) => key(o.kind, o.metadata.name)));
      const known = new Set([...inManifests, ...createdByFaults(scenario)]);
      for (const step of steps) {
        for (const target of faultTargets(step.fault)) {
          if (!inManifests.has(key(target.kind, target.name))) problems.push({ file, path: `${step.path}.fault.args.${target.field}`, message: `no ${target.kind} "${target.name}" in the manifests of system ${systemId}` });
        }
      }
      scenario.spec.oracle.predicates.forEach((predicate, index) => {
        for (const target of predicateTargets(predicate)) {
          if (!known.has(key(target.kind, target.name))) problems.push({ file, path: `spec.oracle.predicates.${index}.${target.field}`, message: `no ${target.kind} "${target.name}" in the manifests of system ${systemId}` });
        }
      });
      scenario.spec.solutions.forEach((solution, s) => solution.commands.forEach((command, c) => {
        for (const ref of kubectlObjectRefs(command)) {
          if (!known.has(key(ref.kind, ref.name))) problems.push({ file, path: `spec.solutions.${s}.commands.${c}`, message: `names ${ref.kind} "${ref.name}", which is neither in the manifests of system ${systemId} nor created by this scenario's faults` });
        }
      }));
    }
  }
  return problems;
}
