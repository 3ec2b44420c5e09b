// Parsing Kubernetes API paths the way the apiserver does: the policy and the recording depend on it.
import { describe, expect, it } from 'vitest';
import { parseKubeRequest } from '../../../gateway/kube-url.ts';

const parse = (method: string, url: string) => {
  const info = parseKubeRequest(method, url);
  if (!info) return undefined;
  const { query: _query, path: _path, ...rest } = info;
  return rest;
};

describe('parseKubeRequest', () => {
  it('reads core and grouped, namespaced and cluster-scoped requests', () => {
    expect(parse('GET', '/api/v1/namespaces/fl-a/pods')).toEqual({
      discovery: false,
      verb: 'list',
      apiGroup: '',
      version: 'v1',
      resource: 'pods',
      namespace: 'fl-a',
      name: undefined,
      subresource: undefined,
    });
    expect(parse('GET', '/apis/apps/v1/namespaces/fl-a/deployments/web')).toMatchObject({
      verb: 'get',
      apiGroup: 'apps',
      resource: 'deployments',
      namespace: 'fl-a',
      name: 'web',
    });
    expect(parse('PATCH', '/apis/apps/v1/namespaces/fl-a/deployments/web/scale')).toMatchObject({
      verb: 'patch',
      name: 'web',
      subresource: 'scale',
    });
    expect(parse('GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings')).toMatchObject({
      verb: 'list',
      apiGroup: 'rbac.authorization.k8s.io',
      namespace: undefined,
    });
    expect(parse('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings')).toMatchObject({
      verb: 'create',
      resource: 'clusterrolebindings',
      namespace: undefined,
    });
  });

  it('tells watch from list, delete from deletecollection, and streams from reads', () => {
    expect(parse('GET', '/api/v1/namespaces/fl-a/pods?watch=true&resourceVersion=1')).toMatchObject({ verb: 'watch' });
    expect(parse('GET', '/api/v1/namespaces/fl-a/pods?watch=1')).toMatchObject({ verb: 'watch' });
    expect(parse('GET', '/api/v1/namespaces/fl-a/pods?watch=false')).toMatchObject({ verb: 'list' });
    expect(parse('DELETE', '/api/v1/namespaces/fl-a/pods/web-1')).toMatchObject({ verb: 'delete', name: 'web-1' });
    expect(parse('DELETE', '/api/v1/namespaces/fl-a/pods?labelSelector=app%3Dweb')).toMatchObject({ verb: 'deletecollection' });
    expect(parse('GET', '/api/v1/namespaces/fl-a/pods/web-1/log?follow=true')).toMatchObject({ verb: 'get', subresource: 'log' });
    expect(parse('POST', '/api/v1/namespaces/fl-a/pods/web-1/exec?command=sh')).toMatchObject({ verb: 'connect', subresource: 'exec' });
    expect(parse('PUT', '/api/v1/namespaces/fl-a/configmaps/x')).toMatchObject({ verb: 'update' });
  });

  it('reads the Namespace object itself as a cluster-scoped resource', () => {
    expect(parse('GET', '/api/v1/namespaces/fl-a')).toMatchObject({
      resource: 'namespaces',
      name: 'fl-a',
      namespace: 'fl-a',
      subresource: undefined,
    });
    expect(parse('PUT', '/api/v1/namespaces/fl-a/finalize')).toMatchObject({
      resource: 'namespaces',
      name: 'fl-a',
      subresource: 'finalize',
      verb: 'update',
    });
    expect(parse('GET', '/api/v1/namespaces')).toMatchObject({
      resource: 'namespaces',
      name: undefined,
      namespace: undefined,
      verb: 'list',
    });
  });

  it('marks discovery and refuses what is not the Kubernetes API', () => {
    for (const url of ['/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/version', '/openapi/v3/apis/apps/v1']) {
      expect(parse('GET', url)).toMatchObject({ discovery: true });
    }
    expect(parse('POST', '/api/v1')).toBeUndefined();
    expect(parse('GET', '/')).toBeUndefined();
    expect(parse('GET', '/metrics')).toBeUndefined();
    expect(parse('GET', '/api/v1/namespaces/fl-a/pods/%2e%2e')).toBeUndefined();
    expect(parse('GET', '/api/v1/namespaces/fl-a/pods/a%2fb')).toBeUndefined();
    expect(parse('GET', '/api/v1/namespaces/fl-a/pods/%E0%A4%A')).toBeUndefined();
    expect(parse('GET', '/api/v1/namespaces/fl-a/pods/x/log/extra')).toBeUndefined();
    // Dot segments and empty segments would mean one thing here and another to the apiserver.
    expect(parse('GET', '/api/v1/namespaces/fl-a/../kube-system/pods')).toBeUndefined();
    expect(parse('GET', '/api/v1/namespaces/fl-a/%2E/pods')).toBeUndefined();
    expect(parse('GET', '/api/v1/namespaces//pods')).toBeUndefined();
    expect(parse('GET', '/api/v1/namespaces/fl-a/pods/')).toBeUndefined();
    expect(parse('GET', 'api/v1/pods')).toBeUndefined();
  });
});
