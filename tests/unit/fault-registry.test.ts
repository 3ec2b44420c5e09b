// The fault engine's registry and the library's generated artefacts: every fault type the schema accepts
// has a handler, objects created by faults are marked, and the JSON Schemas and kwok stages on disk are
// what the sources generate (so nobody edits a generated file by hand or forgets to regenerate it).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_ANNOTATION } from '../../activities/faults/handler.ts';
import { CLUSTER_SCOPED_FAULTS, faultRegistry, handlerFor } from '../../activities/faults/registry.ts';
import { jsonSchemas, SCHEMA_DIR } from '../../cli/commands/schema.ts';
import { kwokStagesFor, STAGES_FILE } from '../../cli/commands/sim-stages.ts';
import { SANDBOX_LABEL, SESSION_LABEL } from '../../cluster/labels.ts';
import { FaultSchema, type Fault } from '../../scenarios/lib/schema.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';
import { kubectlObjectRefs } from '../../scenarios/lib/kubectl-refs.ts';
import { configChecksum } from '../../scenarios/lib/checksum.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const schemaTypes = FaultSchema.anyOf.map((member) => member.properties.type.const as string);

describe('the fault registry', () => {
  it('has exactly one handler per fault type of the schema', () => {
    expect(Object.keys(faultRegistry).sort()).toEqual([...schemaTypes].sort());
    for (const type of schemaTypes) {
      const handler = handlerFor(type as Fault['type']);
      expect(typeof handler.apply, type).toBe('function');
      expect(typeof handler.tookEffect, type).toBe('function');
      expect(typeof handler.revert, type).toBe('function');
    }
  });

  it('refuses an unknown fault type with a clear error', () => {
    expect(() => handlerFor('delete-the-internet' as Fault['type'])).toThrow('unknown fault type delete-the-internet');
  });

  it('marks the objects faults create, and labels cluster-scoped ones with their sandbox and session', () => {
    const context = { namespace: 'fl-test', sessionId: 'session-1' };
    const policy = handlerFor('network-policy-deny').creates!(context, {
      type: 'network-policy-deny',
      args: { name: 'lockdown', podSelector: { app: 'web' }, allowPorts: [9090] },
    });
    expect(policy[0]).toMatchObject({
      kind: 'NetworkPolicy',
      metadata: { name: 'lockdown', namespace: 'fl-test', annotations: { [FAULT_ANNOTATION]: 'network-policy-deny' } },
    });
    expect(policy[0]).toMatchObject({ spec: { ingress: [{ ports: [{ port: 9090, protocol: 'TCP' }] }] } });
    const webhook = handlerFor('webhook-fail-closed').creates!(context, {
      type: 'webhook-fail-closed',
      args: { name: 'policy', service: 'policy-webhook' },
    })[0]!;
    expect(webhook.metadata?.labels).toEqual({ [SANDBOX_LABEL]: 'fl-test', [SESSION_LABEL]: 'session-1' });
    expect(webhook).toMatchObject({
      webhooks: [{ failurePolicy: 'Fail', namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'fl-test' } } }],
    });
    expect(CLUSTER_SCOPED_FAULTS).toEqual(expect.arrayContaining(['webhook-fail-closed', 'node-cordon-drain']));
  });
});

describe('reference solutions and config checksums', () => {
  it('finds the objects kubectl commands name, through pipes and $(…)', () => {
    expect(kubectlObjectRefs('kubectl scale deployment/storefront --replicas=2')).toEqual([{ kind: 'Deployment', name: 'storefront' }]);
    expect(kubectlObjectRefs(`kubectl patch svc checkout --type=json -p '[{"op":"replace"}]'`)).toEqual([
      { kind: 'Service', name: 'checkout' },
    ]);
    expect(kubectlObjectRefs(`kubectl patch secret a -p "$(kubectl get secret b -o jsonpath='{.data.x}')"`)).toEqual([
      { kind: 'Secret', name: 'a' },
      { kind: 'Secret', name: 'b' },
    ]);
    expect(kubectlObjectRefs('kubectl rollout undo deploy/booking')).toEqual([{ kind: 'Deployment', name: 'booking' }]);
    expect(kubectlObjectRefs('kubectl get deployments')).toEqual([]);
  });

  it('checksums a config independently of key order', () => {
    expect(configChecksum({ a: '1', b: '2' })).toBe(configChecksum({ b: '2', a: '1' }));
    expect(configChecksum({ a: '1' })).not.toBe(configChecksum({ a: '2' }));
    expect(configChecksum({ a: '1' })).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('generated files are up to date (regenerate with `failurelib schema` / `failurelib sim-stages`)', () => {
  it('scenarios/schema/*.schema.json', () => {
    for (const [name, content] of Object.entries(jsonSchemas())) expect(readFileSync(join(SCHEMA_DIR, name), 'utf8'), name).toBe(content);
  });

  it('infra/sim-cluster/kwok-stages.yaml, whose simulated registry holds every image of the library', () => {
    const library = loadLibrary(join(ROOT, 'scenarios'));
    const stages = readFileSync(STAGES_FILE, 'utf8');
    expect(stages).toBe(kwokStagesFor(library));
    expect(stages).toContain('localhost/failurelib/node-services:local');
  });
});
