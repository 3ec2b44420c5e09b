// Choosing a cluster driver, and what the kind and vcluster drivers say to their CLIs and read back from them.
import { describe, expect, it } from 'vitest';
import { DriverUnavailableError, missingFor } from '../../cluster/cluster-per-session.ts';
import { clusterName, sessionOfCluster } from '../../cluster/cluster-names.ts';
import { createClusterDriver } from '../../cluster/drivers.ts';
import { kindCreateArgs, kindDeleteArgs, kindKubeconfigArgs, parseKindClusters } from '../../cluster/kind-driver.ts';
import { kubeFromYaml, type Kube } from '../../cluster/kube.ts';
import { parseVclusterList, vclusterConnectArgs, vclusterCreateArgs, vclusterDeleteArgs } from '../../cluster/vcluster-driver.ts';
import { loadConfig } from '../../config/config.ts';

const kube = {} as Kube;
const SESSION = '3f2c9a1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b';
const NAME = 'fl-3f2c9a1e7b4d4e8f9a0b1c2d3e4f5a6b';

describe('createClusterDriver', () => {
  it('builds the namespace-per-session drivers', () => {
    expect(createClusterDriver('sim', kube).name).toBe('sim');
    expect(createClusterDriver('namespace', kube).name).toBe('namespace');
  });

  it('needs the driven cluster for the drivers that drive one', () => {
    expect(() => createClusterDriver('namespace', undefined)).toThrow(/CLUSTER_DRIVER=namespace .*FL_KUBECONFIG/);
  });

  // Where kind or vcluster can run, this refusal is not what happens: the tests of the real tools cover that.
  const kindMissing = missingFor('kind');
  it.skipIf(kindMissing.length === 0)('refuses kind where its tools are missing, naming them', () => {
    expect(() => createClusterDriver('kind', kube)).toThrow(DriverUnavailableError);
    expect(() => createClusterDriver('kind', kube)).toThrow(/CLUSTER_DRIVER=kind: .*kind CLI.*Docker/);
  });
  const vclusterMissing = missingFor('vcluster');
  it.skipIf(vclusterMissing.length === 0)('refuses vcluster where its tools are missing, naming them', () => {
    expect(() => createClusterDriver('vcluster', kube)).toThrow(/CLUSTER_DRIVER=vcluster: .*vcluster CLI.*vcluster is not on PATH/);
  });
});

describe('cluster names', () => {
  it('name a cluster after the whole session id and map back', () => {
    expect(clusterName(SESSION)).toBe(NAME);
    expect(NAME.length).toBeLessThanOrEqual(50); // kind's limit for cluster names
    expect(sessionOfCluster(NAME)).toBe(SESSION);
    expect(sessionOfCluster(clusterName(SESSION.toUpperCase()))).toBe(SESSION);
  });

  it('ignore clusters this library did not name, and refuse ids that are not UUIDs', () => {
    expect(sessionOfCluster('kind')).toBeUndefined();
    expect(sessionOfCluster('fl-3f2c9a1e7b4d4e8f9a0b')).toBeUndefined();
    expect(sessionOfCluster(`${NAME}x`)).toBeUndefined();
    expect(() => clusterName('not-a-uuid')).toThrow(/not a UUID/);
  });
});

describe('kind CLI', () => {
  const { kind } = loadConfig({}).clusters;

  it('creates with a wait, a throwaway kubeconfig and the configured node image', () => {
    expect(kindCreateArgs(NAME, kind, '/tmp/k')).toEqual(['create', 'cluster', '--name', NAME, '--wait', '180s', '--kubeconfig', '/tmp/k']);
    const pinned = loadConfig({ FL_KIND_NODE_IMAGE: 'kindest/node:v1.33.1', FL_KIND_WAIT_SECONDS: '60' }).clusters.kind;
    expect(kindCreateArgs(NAME, pinned, '/tmp/k')).toEqual([
      'create',
      'cluster',
      '--name',
      NAME,
      '--wait',
      '60s',
      '--kubeconfig',
      '/tmp/k',
      '--image',
      'kindest/node:v1.33.1',
    ]);
    expect(kindKubeconfigArgs(NAME)).toEqual(['get', 'kubeconfig', '--name', NAME]);
    expect(kindDeleteArgs(NAME, '/tmp/k')).toEqual(['delete', 'cluster', '--name', NAME, '--kubeconfig', '/tmp/k']);
  });

  it("lists only this library's clusters from `kind get clusters`", () => {
    expect(parseKindClusters(`kind\n${NAME}\n  other  \n\n`)).toEqual([NAME]);
    expect(parseKindClusters('')).toEqual([]);
  });

  it("reads the engine's clients from `kind get kubeconfig`", () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const yaml = [
      'apiVersion: v1',
      'kind: Config',
      `current-context: kind-${NAME}`,
      'clusters:',
      `- name: kind-${NAME}`,
      '  cluster:',
      `    certificate-authority-data: ${Buffer.from(ca).toString('base64')}`,
      '    server: https://127.0.0.1:40123',
      'contexts:',
      `- name: kind-${NAME}`,
      '  context:',
      `    cluster: kind-${NAME}`,
      `    user: kind-${NAME}`,
      'users:',
      `- name: kind-${NAME}`,
      '  user:',
      '    token: engine-token',
    ].join('\n');
    const parsed = kubeFromYaml(yaml, 'kind get kubeconfig');
    expect(parsed.server).toBe('https://127.0.0.1:40123');
    expect(parsed.caData).toBe(ca);
    expect(() => kubeFromYaml('apiVersion: v1\nkind: Config\n', 'kind get kubeconfig')).toThrow(
      /kind get kubeconfig has no current cluster/,
    );
  });
});

describe('vcluster CLI', () => {
  const options = { ...loadConfig({}).clusters.vcluster, hostKubeconfig: '/host.kubeconfig' };

  it('creates without connecting, in the namespace the engine made, with the configured chart and values', () => {
    expect(vclusterCreateArgs(NAME, NAME, options)).toEqual([
      'create',
      NAME,
      '--namespace',
      NAME,
      '--connect=false',
      '--create-namespace=false',
    ]);
    const pinned = { ...options, chartVersion: '0.26.0', valuesFile: '/etc/fl/vcluster.yaml' };
    expect(vclusterCreateArgs(NAME, NAME, pinned)).toEqual([
      'create',
      NAME,
      '--namespace',
      NAME,
      '--connect=false',
      '--create-namespace=false',
      '--chart-version',
      '0.26.0',
      '--values',
      '/etc/fl/vcluster.yaml',
    ]);
    expect(vclusterDeleteArgs(NAME, NAME)).toEqual(['delete', NAME, '--namespace', NAME, '--ignore-not-found', '--wait']);
  });

  it('connects with --print and a --server, so it prints a kubeconfig instead of port-forwarding', () => {
    expect(vclusterConnectArgs(NAME, 'hosts', options)).toEqual([
      'connect',
      NAME,
      '--namespace',
      'hosts',
      '--print',
      '--server',
      `https://${NAME}.hosts.svc`,
      '--background-proxy=false',
    ]);
    const viaLoadBalancer = { ...options, serverTemplate: 'https://{name}.vclusters.example.com:8443' };
    expect(vclusterConnectArgs(NAME, 'hosts', viaLoadBalancer)).toContain(`https://${NAME}.vclusters.example.com:8443`);
  });

  it("lists this library's vclusters from `vcluster list --output json`", () => {
    const json = JSON.stringify([
      {
        Created: '2026-05-01T10:00:00Z',
        Name: NAME,
        Namespace: NAME,
        Version: '0.26.0',
        Status: 'Running',
        AgeSeconds: 60,
        Connected: false,
      },
      { Created: '2026-05-01T09:00:00Z', Name: 'team-a', Namespace: 'vcluster-team-a', Status: 'Running' },
    ]);
    expect(parseVclusterList(json)).toEqual([{ name: NAME, namespace: NAME, createdAt: new Date('2026-05-01T10:00:00Z') }]);
    expect(parseVclusterList('null\n')).toEqual([]);
    expect(parseVclusterList('')).toEqual([]);
    expect(() => parseVclusterList('fatal: no current context')).toThrow(/not JSON/);
  });
});
