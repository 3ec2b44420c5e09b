// The two kinds of cluster: the stack starts the real node by default when the machine can, says why when it
// cannot, and sends sandboxes to it; the sim and namespace drivers place a sandbox's pods from FL_SANDBOX_PLACEMENT.
import { describe, expect, it } from 'vitest';
import { placementMetadata, REAL_NODE_LABEL, REAL_NODE_TAINT } from '../../cluster/placement.ts';
import { loadConfig } from '../../config/config.ts';
import { realNodeUnavailable } from '../../infra/real-node/availability.ts';
import { chooseRealNode, sandboxPlacement } from '../../infra/stack/cluster-kinds.ts';

const can = () => undefined;
const cannot = () => 'it needs root (containerd, a network bridge, iptables)';

describe('the real node by default', () => {
  it('starts when the machine can, unless FL_REAL_NODE=0, and says so', () => {
    const started = chooseRealNode(loadConfig({}), can);
    expect(started.start).toBe(true);
    expect(started.message).toMatch(/starting the real node.*FL_REAL_NODE=0/);
    const off = chooseRealNode(loadConfig({ FL_REAL_NODE: '0' }), can);
    expect(off).toEqual({ start: false, message: expect.stringMatching(/FL_REAL_NODE=0.*simulation/) });
  });

  it('runs on the simulation only when the machine cannot, saying why; FL_REAL_NODE=1 refuses instead', () => {
    expect(chooseRealNode(loadConfig({}), cannot)).toEqual({
      start: false,
      message: 'no real node: it needs root (containerd, a network bridge, iptables); sandboxes run in the simulation (kwok) only',
    });
    expect(() => chooseRealNode(loadConfig({ FL_REAL_NODE: '1' }), cannot)).toThrow(
      /FL_REAL_NODE=1, but the real node cannot start here: it needs root/,
    );
  });

  it('is not started for drivers that bring their own cluster', () => {
    expect(chooseRealNode(loadConfig({ CLUSTER_DRIVER: 'namespace' }), can).start).toBe(false);
  });

  it('says what setup step is missing: root first, then the tools and images infra/real-node/setup.sh provides', () => {
    const all = { hasTool: () => true, hasImage: () => true };
    expect(realNodeUnavailable({ uid: 0, ...all })).toBeUndefined();
    expect(realNodeUnavailable({ uid: 1000, ...all })).toMatch(/needs root/);
    const why = realNodeUnavailable({ uid: 0, hasTool: (name) => name !== 'kubelet', hasImage: (name) => name !== 'postgres' });
    expect(why).toMatch(/infra\/real-node\/setup.sh has not run to the end \(missing: kubelet; the images postgres\)/);
  });
});

describe('real node pools', () => {
  it('are two by default (multi-cloud pins its inventories to two), one when asked, and nothing else', () => {
    expect(loadConfig({}).realNodePools).toEqual(['a', 'b']);
    expect(loadConfig({ FL_REAL_NODE_POOLS: '1' }).realNodePools).toEqual([]);
    expect(() => loadConfig({ FL_REAL_NODE_POOLS: '3' })).toThrow(/FL_REAL_NODE_POOLS must be one of 1, 2, got "3"/);
  });
});

describe('sandbox placement', () => {
  it('is the simulation unless asked: tests and the harness keep kwok', () => {
    expect(loadConfig({}).sandboxPlacement).toBe('sim');
    expect(loadConfig({ FL_SANDBOX_PLACEMENT: 'real' }).sandboxPlacement).toBe('real');
    expect(() => loadConfig({ FL_SANDBOX_PLACEMENT: 'kind' })).toThrow(/FL_SANDBOX_PLACEMENT must be one of sim, real, got "kind"/);
    expect(() => loadConfig({ FL_REAL_NODE: 'yes' })).toThrow(/FL_REAL_NODE must be one of auto, 1, 0, got "yes"/);
    expect(loadConfig({}).realNode).toBe('auto');
  });

  it('follows the real node in the stack, and FL_SANDBOX_PLACEMENT when it is set', () => {
    expect(sandboxPlacement(loadConfig({}), { explicit: false, realNodeRunning: true })).toBe('real');
    expect(sandboxPlacement(loadConfig({}), { explicit: false, realNodeRunning: false })).toBe('sim');
    const sim = loadConfig({ FL_SANDBOX_PLACEMENT: 'sim' });
    expect(sandboxPlacement(sim, { explicit: true, realNodeRunning: true })).toBe('sim');
    const real = loadConfig({ FL_SANDBOX_PLACEMENT: 'real' });
    expect(() => sandboxPlacement(real, { explicit: true, realNodeRunning: false })).toThrow(/needs the real node/);
    const namespace = loadConfig({ FL_SANDBOX_PLACEMENT: 'real', CLUSTER_DRIVER: 'namespace' });
    expect(sandboxPlacement(namespace, { explicit: true, realNodeRunning: false })).toBe('real');
  });

  it('real: the namespace selects the real node, tolerates its taint and enforces Pod Security baseline; sim: nothing', () => {
    expect(placementMetadata('sim')).toEqual({ annotations: {}, labels: {} });
    const real = placementMetadata('real');
    expect(real.annotations['scheduler.alpha.kubernetes.io/node-selector']).toBe(`${REAL_NODE_LABEL.key}=${REAL_NODE_LABEL.value}`);
    expect(JSON.parse(real.annotations['scheduler.alpha.kubernetes.io/defaultTolerations']!)).toEqual([
      { operator: 'Equal', ...REAL_NODE_TAINT },
    ]);
    expect(real.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'baseline' });
  });
});
