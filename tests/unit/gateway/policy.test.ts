// The gateway policy: the participant's namespace, nothing else; no RBAC changes; no fault objects in Challenge.
import { describe, expect, it } from 'vitest';
import { parseKubeRequest } from '../../../gateway/kube-url.ts';
import type { Mode } from '../../../domain/session-terms.ts';
import { decide, mintsToken } from '../../../gateway/policy.ts';

function decision(method: string, url: string, mode: Mode = 'learn') {
  const info = parseKubeRequest(method, url);
  if (!info) throw new Error(`unparsable ${url}`);
  return decide(info, { namespace: 'fl-mine', mode });
}

describe('gateway policy', () => {
  it('allows discovery and anything in the own namespace', () => {
    for (const url of ['/api', '/apis', '/version', '/openapi/v2', '/apis/apps/v1']) expect(decision('GET', url).allowed).toBe(true);
    expect(decision('GET', '/api/v1/namespaces/fl-mine/pods?watch=true').allowed).toBe(true);
    expect(decision('PATCH', '/apis/apps/v1/namespaces/fl-mine/deployments/web/scale').allowed).toBe(true);
    expect(decision('DELETE', '/api/v1/namespaces/fl-mine/pods/web-1').allowed).toBe(true);
    expect(decision('POST', '/api/v1/namespaces/fl-mine/pods/web-1/exec').allowed).toBe(true);
  });

  it('reads only the own Namespace object, and never changes it', () => {
    expect(decision('GET', '/api/v1/namespaces/fl-mine')).toEqual({ allowed: true, ownNamespace: true });
    expect(decision('GET', '/api/v1/namespaces')).toEqual({ allowed: true, ownNamespace: true });
    expect(decision('GET', '/api/v1/namespaces/kube-system').allowed).toBe(false);
    expect(decision('DELETE', '/api/v1/namespaces/fl-mine').allowed).toBe(false);
    expect(decision('PATCH', '/api/v1/namespaces/fl-mine').allowed).toBe(false);
  });

  it('refuses other namespaces and the cluster scope', () => {
    const other = decision('GET', '/api/v1/namespaces/fl-other/pods');
    expect(other).toMatchObject({ allowed: false, reason: expect.stringMatching(/pods is forbidden.*fl-other/) });
    expect(decision('DELETE', '/apis/apps/v1/namespaces/fl-other/deployments/web').allowed).toBe(false);
    expect(decision('GET', '/api/v1/pods').allowed).toBe(false);
    expect(decision('GET', '/api/v1/nodes').allowed).toBe(false);
    expect(decision('POST', '/apis/storage.k8s.io/v1/storageclasses').allowed).toBe(false);
  });

  it('allows the self reviews of kubectl auth can-i and whoami', () => {
    expect(decision('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews').allowed).toBe(true);
    expect(decision('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews').allowed).toBe(true);
    expect(decision('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews').allowed).toBe(false);
  });

  it('refuses every RBAC write, even in the own namespace, and allows reading roles there', () => {
    expect(decision('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings').allowed).toBe(false);
    expect(decision('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/fl-mine/rolebindings').allowed).toBe(false);
    expect(decision('PATCH', '/apis/rbac.authorization.k8s.io/v1/namespaces/fl-mine/roles/x').allowed).toBe(false);
    expect(decision('GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/fl-mine/rolebindings').allowed).toBe(true);
  });

  it('refuses minting service account tokens, directly or through a token Secret', () => {
    expect(decision('POST', '/api/v1/namespaces/fl-mine/serviceaccounts/participant/token').allowed).toBe(false);
    const create = parseKubeRequest('POST', '/api/v1/namespaces/fl-mine/secrets');
    if (!create) throw new Error('unparsable');
    expect(
      mintsToken(create, {
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: { annotations: { 'kubernetes.io/service-account.name': 'participant' } },
      }),
    ).toMatch(/forbidden/);
    expect(mintsToken(create, { kind: 'Secret', type: 'Opaque', stringData: { a: 'b' } })).toBeUndefined();
    // The decision is on the decoded object: a name or value that merely mentions the type is fine.
    expect(
      mintsToken(create, { kind: 'Secret', type: 'Opaque', stringData: { note: 'kubernetes.io/service-account-token' } }),
    ).toBeUndefined();
  });

  it('hides the fault API group in Challenge mode only', () => {
    const url = '/apis/chaos-mesh.org/v1alpha1/namespaces/fl-mine/podchaos';
    expect(decision('GET', url, 'challenge').allowed).toBe(false);
    expect(decision('GET', `${url}/kill-web`, 'challenge').allowed).toBe(false);
    expect(decision('GET', url, 'learn').allowed).toBe(true);
  });

  it("refuses changing, stopping or entering the engine's load generator, and collection deletes that would take it along", () => {
    const base = '/namespaces/fl-mine';
    for (const [method, url] of [
      ['DELETE', `/apis/apps/v1${base}/deployments/load-generator`],
      ['PATCH', `/apis/apps/v1${base}/deployments/load-generator/scale`],
      ['PUT', `/apis/apps/v1${base}/deployments/load-generator`],
      ['PATCH', `/api/v1${base}/configmaps/load-generator`],
      ['DELETE', `/api/v1${base}/services/load-generator`],
      ['DELETE', `/apis/networking.k8s.io/v1${base}/networkpolicies/load-generator`],
      ['DELETE', `/api/v1${base}/pods/load-generator-7d9f-abcde`],
      ['POST', `/api/v1${base}/pods/load-generator-7d9f-abcde/eviction`],
      ['POST', `/api/v1${base}/pods/load-generator-7d9f-abcde/exec?command=sh`],
      ['DELETE', `/apis/apps/v1${base}/replicasets/load-generator-7d9f`],
      ['DELETE', `/apis/apps/v1${base}/deployments`],
      ['DELETE', `/api/v1${base}/pods`],
    ] as const) {
      const learn = decision(method, url);
      expect(learn, `${method} ${url}`).toMatchObject({ allowed: false, reason: expect.stringMatching(/load generator/) });
      // Challenge mode does not say what it is (it is hidden there): the refusal only repeats what was asked.
      expect(decision(method, url, 'challenge')).toMatchObject({ allowed: false, reason: expect.not.stringMatching(/SLA|measure/) });
    }
    // Looking is fine, and the system's own objects stay the participant's.
    expect(decision('GET', `/apis/apps/v1${base}/deployments/load-generator`).allowed).toBe(true);
    expect(decision('GET', `/api/v1${base}/pods/load-generator-7d9f-abcde/log`).allowed).toBe(true);
    expect(decision('GET', `/api/v1${base}/services/load-generator/proxy/results`).allowed).toBe(true);
    expect(decision('PATCH', `/apis/apps/v1${base}/deployments/storefront/scale`).allowed).toBe(true);
    expect(decision('DELETE', `/api/v1${base}/pods/storefront-5c8d-xyz`).allowed).toBe(true);
    expect(decision('DELETE', `/api/v1${base}/secrets`).allowed).toBe(true);
  });
});
