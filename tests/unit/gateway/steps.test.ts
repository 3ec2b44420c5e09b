// Recorded requests read back as the kubectl commands a person typed.
import { describe, expect, it } from 'vitest';
import { describeChange, singular, stepsOf, type RecordedRequest } from '../../../gateway/steps.ts';

const request = (fields: Partial<RecordedRequest>): RecordedRequest => ({
  verb: 'get',
  apiGroup: '',
  resource: 'pods',
  status: 200,
  ...fields,
});

describe('steps', () => {
  it('describes reads: list, watch, named get, describe, logs', () => {
    const rows = [
      request({ verb: 'list', command: 'kubectl get', clientSession: 'a' }),
      request({ verb: 'list', command: 'kubectl get', clientSession: 'b' }),
      request({ verb: 'watch', command: 'kubectl get', clientSession: 'b', query: 'watch=true' }),
      request({ verb: 'get', name: 'web-7c9', subresource: 'log', command: 'kubectl logs', clientSession: 'c', query: 'follow=true' }),
      request({ verb: 'get', apiGroup: 'apps', resource: 'deployments', name: 'web', command: 'kubectl describe', clientSession: 'd' }),
      request({ verb: 'list', resource: 'events', command: 'kubectl describe', clientSession: 'd' }),
      request({ verb: 'list', command: 'kubectl get', clientSession: 'e', query: 'labelSelector=app%3Dweb' }),
    ];
    expect(stepsOf(rows).map((step) => step.summary)).toEqual([
      'kubectl get pods',
      'kubectl get pods -w',
      'kubectl logs web-7c9 -f',
      'kubectl describe deployment web',
      'kubectl get pods -l app=web',
    ]);
  });

  it('describes changes with the fields they changed', () => {
    const scale = request({
      verb: 'get',
      apiGroup: 'apps',
      resource: 'deployments',
      name: 'storefront',
      command: 'kubectl scale',
      clientSession: 's',
    });
    const rows = [
      scale,
      { ...scale, verb: 'patch', subresource: 'scale', change: { diff: [{ path: 'spec.replicas', before: 0, after: 2 }] } },
      request({ verb: 'get', apiGroup: 'apps', resource: 'deployments', name: 'web', command: 'kubectl edit', clientSession: 'e' }),
      request({
        verb: 'patch',
        apiGroup: 'apps',
        resource: 'deployments',
        name: 'web',
        command: 'kubectl edit',
        clientSession: 'e',
        change: { diff: [{ path: 'spec.template.spec.containers[0].image', before: 'a', after: 'b' }] },
      }),
      request({ verb: 'delete', name: 'x', command: 'kubectl delete', clientSession: 'd' }),
    ];
    const steps = stepsOf(rows);
    expect(steps.map((step) => step.summary)).toEqual([
      'kubectl scale deployment/storefront (spec.replicas 0→2)',
      'kubectl edit deployment/web (spec.template.spec.containers[0].image a→b)',
      'kubectl delete pod x',
    ]);
  });

  it('groups one kubectl invocation into one step and keeps requests without a session apart', () => {
    const rows = [
      request({ id: 1, verb: 'create', resource: 'configmaps', name: 'a', command: 'kubectl apply', clientSession: 'x' }),
      request({ id: 2, verb: 'create', resource: 'services', name: 'b', command: 'kubectl apply', clientSession: 'x' }),
      request({ id: 3, verb: 'list' }),
      request({ id: 4, verb: 'list' }),
    ];
    const steps = stepsOf(rows);
    expect(steps.map((step) => step.requestIds)).toEqual([[1, 2], [3], [4]]);
    expect(steps[0]?.summary).toBe('kubectl apply configmap/a, service/b');
  });

  it('falls back to the verb when kubectl sent no command, and summarises long diffs', () => {
    expect(
      describeChange(
        request({
          verb: 'patch',
          resource: 'configmaps',
          name: 'c',
          change: { diff: [1, 2, 3, 4, 5].map((n) => ({ path: `data.k${n}`, after: 'v' })) },
        }),
      ),
    ).toBe('kubectl patch configmap/c (data.k1 ∅→v, data.k2 ∅→v, data.k3 ∅→v, +2 more)');
    expect(describeChange(request({ verb: 'deletecollection', command: 'kubectl delete', query: 'labelSelector=app%3Dweb' }))).toBe(
      'kubectl delete pods -l app=web',
    );
  });

  it('names resources in the singular', () => {
    expect(['deployments', 'ingresses', 'networkpolicies', 'endpoints', 'statefulsets', 'pods'].map(singular)).toEqual([
      'deployment',
      'ingress',
      'networkpolicy',
      'endpoints',
      'statefulset',
      'pod',
    ]);
  });
});
