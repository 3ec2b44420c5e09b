// The systems' manifests and their programs agree: every container of the node-services image runs a program of
// services/, gets every variable that program requires, and the sim's needs-env names only variables the
// program really reads, with the value the manifest gives it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { programs } from '../../services/build.ts';

const ROOT = join(import.meta.dirname, '..', '..');

interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: { name: string; value?: string }[];
}
interface Workload {
  kind: string;
  metadata: { name: string };
  spec: {
    template: { metadata: { annotations?: Record<string, string> }; spec: { enableServiceLinks?: boolean; containers: Container[] } };
  };
}

function workloads(system: string): Workload[] {
  const text = readFileSync(join(ROOT, 'scenarios/systems', system, 'manifests.yaml'), 'utf8');
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Workload)
    .filter((o) => o.kind === 'Deployment');
}

/** The variables a program reads: requiredEnv('X') anywhere in its folder's main.ts or the runtime it imports. */
function variablesRead(program: string): { required: Set<string>; all: Set<string> } {
  const sources = [readFileSync(join(ROOT, 'services', program, 'main.ts'), 'utf8')];
  for (const match of sources[0]!.matchAll(/from '\.\.\/runtime\/([\w-]+)\.ts'/g))
    sources.push(readFileSync(join(ROOT, 'services/runtime', `${match[1]}.ts`), 'utf8'));
  const text = sources.join('\n');
  const required = new Set([...text.matchAll(/requiredEnv\('(\w+)'\)/g)].map((m) => m[1]!));
  const optional = [...text.matchAll(/(?:numberEnv\('|process\.env\.)(\w+)/g)].map((m) => m[1]!);
  return { required, all: new Set([...required, ...optional]) };
}

describe.each(['demo-app', 'travel-logic', 'multi-cloud'])('%s', (system) => {
  it('every pod runs without service-link variables, and every node-services container runs a program that gets what it requires', () => {
    for (const workload of workloads(system)) {
      const pod = workload.spec.template.spec;
      expect(pod.enableServiceLinks, workload.metadata.name).toBe(false);
      for (const container of pod.containers.filter((c) => c.image.includes('/node-services:'))) {
        const program = /^\/app\/([\w-]+)\.js$/.exec(container.command?.[1] ?? '')?.[1] ?? '';
        expect(programs(), `${workload.metadata.name} runs ${container.command?.join(' ')}`).toContain(program);
        const given = new Set((container.env ?? []).map((e) => e.name));
        for (const name of variablesRead(program).required) expect(given, `${workload.metadata.name} gets ${name}`).toContain(name);
      }
    }
  });

  it("the sim's needs-env names variables the program reads, with the manifest's values", () => {
    for (const workload of workloads(system)) {
      const needs = workload.spec.template.metadata.annotations?.['sim.failurelib.dev/needs-env'];
      if (!needs) continue;
      const [container] = workload.spec.template.spec.containers;
      const program = /^\/app\/([\w-]+)\.js$/.exec(container?.command?.[1] ?? '')?.[1] ?? '';
      for (const pair of needs.split(',')) {
        const [name = '', value] = pair.split('=');
        expect(variablesRead(program).all, `${workload.metadata.name} reads ${name}`).toContain(name);
        expect(container?.env?.find((e) => e.name === name)?.value, `${workload.metadata.name} ${name}`).toBe(value);
      }
    }
  });
});
