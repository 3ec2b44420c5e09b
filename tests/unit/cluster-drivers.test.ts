// Choosing a cluster driver: the namespace drivers are built; kind and vcluster stop with what is missing.
import { describe, expect, it } from 'vitest';
import { DriverUnavailableError } from '../../activities/cluster/cluster-per-session.ts';
import { createClusterDriver } from '../../activities/cluster/drivers.ts';
import type { Kube } from '../../activities/cluster/kube.ts';

const kube = {} as Kube;

describe('createClusterDriver', () => {
  it('builds the namespace-per-session drivers', () => {
    expect(createClusterDriver('sim', kube).name).toBe('sim');
    expect(createClusterDriver('namespace', kube).name).toBe('namespace');
  });

  it('refuses kind and vcluster naming the tools they need', () => {
    expect(() => createClusterDriver('kind', kube)).toThrow(DriverUnavailableError);
    expect(() => createClusterDriver('kind', kube)).toThrow(/CLUSTER_DRIVER=kind: .*kind CLI.*Docker/);
    expect(() => createClusterDriver('vcluster', kube)).toThrow(/CLUSTER_DRIVER=vcluster: .*vcluster CLI/);
  });
});
