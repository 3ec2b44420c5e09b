// What is stored of a change: Secret values and tokens never, the changed fields always.
import { describe, expect, it } from 'vitest';
import { diffObjects, redact, REDACTED } from '../../../gateway/changes.ts';

describe('redact', () => {
  it('replaces Secret data, stringData and the last-applied copy', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"stringData":{"password":"hunter2"}}' },
      },
      data: { password: 'aHVudGVyMg==' },
      stringData: { user: 'root' },
    };
    const text = JSON.stringify(redact(secret, 'secrets'));
    expect(text).not.toMatch(/hunter2|aHVudGVyMg|root/);
    expect(redact(secret, 'secrets')).toMatchObject({
      data: { password: REDACTED },
      stringData: { user: REDACTED },
      metadata: { name: 'db' },
    });
  });

  it('redacts merge patches, JSON patches and lists of Secrets', () => {
    expect(JSON.stringify(redact({ stringData: { password: 'hunter2' } }, 'secrets'))).not.toContain('hunter2');
    expect(JSON.stringify(redact([{ op: 'replace', path: '/data/password', value: 'aHVudGVyMg==' }], 'secrets'))).not.toContain(
      'aHVudGVyMg',
    );
    expect(JSON.stringify(redact({ kind: 'List', items: [{ kind: 'Secret', data: { a: 'c2VjcmV0' } }] }, 'secrets'))).not.toContain(
      'c2VjcmV0',
    );
  });

  it('redacts tokens and leaves other objects alone', () => {
    expect(redact({ kind: 'TokenRequest', status: { token: 'eyJhbGciOi', expirationTimestamp: 'x' } }, 'serviceaccounts')).toMatchObject({
      status: { token: REDACTED, expirationTimestamp: 'x' },
    });
    const configMap = { kind: 'ConfigMap', data: { flag: 'on' } };
    expect(redact(configMap, 'configmaps')).toEqual(configMap);
  });
});

describe('diffObjects', () => {
  const deployment = (image: string, replicas: number) => ({
    kind: 'Deployment',
    metadata: { name: 'web', resourceVersion: String(replicas), labels: { 'app.kubernetes.io/name': 'web' } },
    spec: { replicas, template: { spec: { containers: [{ name: 'web', image }] } } },
    status: { replicas },
  });

  it('lists the changed leaves with their paths, ignoring bookkeeping and status', () => {
    expect(diffObjects(deployment('web:1', 0), deployment('web:2', 2))).toEqual([
      { path: 'spec.replicas', before: 0, after: 2 },
      { path: 'spec.template.spec.containers[0].image', before: 'web:1', after: 'web:2' },
    ]);
  });

  it('names keys that are not identifiers in brackets, and shows additions and removals', () => {
    const before = { metadata: { labels: { 'app.kubernetes.io/name': 'web' } } };
    const after = { metadata: { labels: { 'app.kubernetes.io/name': 'web', tier: 'front' }, annotations: {} } };
    expect(diffObjects(before, after)).toEqual([
      { path: 'metadata.labels.tier', after: 'front' },
      { path: 'metadata.annotations', after: {} },
    ]);
    expect(diffObjects({ metadata: { labels: { 'a.b/c': 'x' } } }, { metadata: { labels: {} } })).toEqual([
      { path: 'metadata.labels["a.b/c"]', before: 'x' },
    ]);
  });

  it('does not report an empty object that gained fields as a change of its own (scaling up from zero)', () => {
    expect(diffObjects({ kind: 'Scale', spec: {} }, { kind: 'Scale', spec: { replicas: 2 } })).toEqual([
      { path: 'spec.replicas', after: 2 },
    ]);
  });

  it('shows nothing for an unchanged object', () => {
    expect(diffObjects(deployment('a', 1), deployment('a', 1))).toEqual([]);
  });
});
