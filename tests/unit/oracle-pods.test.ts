// How the oracle reads pods and selectors: the same verdicts `kubectl get pods` would show a participant.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isReady, podTrouble } from '../../activities/oracle/pods.ts';
import { matchesSelector } from '../../activities/oracle/selectors.ts';

const pod = (status: V1Pod['status'], deleting = false): V1Pod => ({
  metadata: { name: 'p', ...(deleting ? { deletionTimestamp: new Date() } : {}) },
  status,
});
const ready = { conditions: [{ type: 'Ready', status: 'True' }] };

describe('pod verdicts', () => {
  it('a Ready pod is fine; a terminating one is neither ready nor in trouble', () => {
    expect(isReady(pod(ready))).toBe(true);
    expect(podTrouble(pod(ready))).toBeUndefined();
    expect(isReady(pod(ready, true))).toBe(false);
    expect(
      podTrouble(
        pod(
          {
            containerStatuses: [
              { name: 'c', image: 'i', imageID: '', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } },
            ],
          },
          true,
        ),
      ),
    ).toBeUndefined();
  });

  it('names back-offs, OOM kills, unready running containers and unschedulable pods', () => {
    const container = { name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0 };
    expect(podTrouble(pod({ containerStatuses: [{ ...container, state: { waiting: { reason: 'ImagePullBackOff' } } }] }))).toBe(
      'ImagePullBackOff',
    );
    expect(
      podTrouble(
        pod({
          containerStatuses: [
            { ...container, restartCount: 2, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } }, state: { running: {} } },
          ],
        }),
      ),
    ).toBe('OOMKilled');
    expect(podTrouble(pod({ containerStatuses: [{ ...container, state: { running: {} } }] }))).toBe('NotReady');
    expect(podTrouble(pod({ conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] }))).toBe('Unschedulable');
    // A pod that has only just been created is not in trouble yet.
    expect(podTrouble(pod({ phase: 'Pending' }))).toBeUndefined();
  });
});

describe('label selectors', () => {
  it('matches labels and expressions as Kubernetes does; an empty selector selects everything', () => {
    const labels = { app: 'catalog', tier: 'web' };
    expect(matchesSelector(labels, {})).toBe(true);
    expect(matchesSelector(labels, { matchLabels: { app: 'catalog' } })).toBe(true);
    expect(matchesSelector(labels, { matchLabels: { app: 'cart' } })).toBe(false);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] })).toBe(true);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] })).toBe(false);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] })).toBe(true);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'zone', operator: 'Exists' }] })).toBe(false);
  });
});
