// Nodes are shared by every session: a node-cordon-drain fault and teardown's release must leave a node as
// the operator had it once no sandbox holds it any more.
import type { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { holdNode, holdsNode, releaseNodeHold } from '../../cluster/cluster-scoped.ts';

const node = (unschedulable: boolean): V1Node => ({ metadata: { name: 'kwok-node-0' }, spec: { unschedulable } });

describe('node holds', () => {
  it('keeps the node cordoned until the last sandbox that cordoned it lets go', () => {
    const shared = node(false);
    holdNode(shared, 'fl-a');
    holdNode(shared, 'fl-b');
    expect(shared.spec?.unschedulable).toBe(true);
    releaseNodeHold(shared, 'fl-a');
    expect(shared.spec?.unschedulable).toBe(true);
    expect([holdsNode(shared, 'fl-a'), holdsNode(shared, 'fl-b')]).toEqual([false, true]);
    releaseNodeHold(shared, 'fl-b');
    expect(shared.spec?.unschedulable).toBe(false);
    expect(shared.metadata?.annotations).toEqual({});
  });

  it('leaves a node the operator had cordoned cordoned', () => {
    const cordoned = node(true);
    holdNode(cordoned, 'fl-a');
    releaseNodeHold(cordoned, 'fl-a');
    expect(cordoned.spec?.unschedulable).toBe(true);
  });

  it('ignores a release by a sandbox that never held the node', () => {
    const held = node(false);
    holdNode(held, 'fl-a');
    releaseNodeHold(held, 'fl-other');
    expect(held.spec?.unschedulable).toBe(true);
    expect(holdsNode(held, 'fl-a')).toBe(true);
  });
});
