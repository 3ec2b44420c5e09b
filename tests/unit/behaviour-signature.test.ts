// The behaviour tokens a report's similarity compares: kubectl fix steps, the SLA timeline's shape, and the words a
// reason shows for them.
import { describe, expect, it } from 'vitest';
import { describeShared, fixTokens, redDurationBucket, timelineTokens } from '../../domain/behaviour-signature.ts';

describe('behaviour signature', () => {
  it('keys a fix step by its verb and resource, whatever short name or flag the command used', () => {
    expect(fixTokens('kubectl set resources deploy/cart --limits=memory=96Mi')).toEqual([
      'fix:set-resources',
      'fix:set-resources:deployment',
    ]);
    expect(fixTokens('kubectl -n shop patch svc checkout -p {}')).toEqual(['fix:patch', 'fix:patch:service']);
    expect(fixTokens('kubectl rollout undo deployment/flights')).toEqual(['fix:rollout-undo', 'fix:rollout-undo:deployment']);
    expect(fixTokens('kubectl delete netpol catalog-lockdown')).toEqual(['fix:delete', 'fix:delete:networkpolicy']);
    expect(fixTokens('kubectl drain node-1 --ignore-daemonsets')).toEqual(['fix:drain', 'fix:drain:node']);
    expect(fixTokens('rm -rf /')).toEqual([]);
  });

  it('reads which objectives went red, which first, for how long, and the conditions the SLIs show', () => {
    const at = (seconds: number) => new Date(seconds * 1000);
    const tokens = timelineTokens([
      {
        at: at(0),
        objectives: [
          { name: 'cart', status: 'green' },
          { name: 'browse', status: 'green' },
        ],
      },
      {
        at: at(10),
        objectives: [
          { name: 'cart', status: 'red', slis: { oomKilled: 1, pendingPods: 0 } },
          { name: 'browse', status: 'green' },
        ],
      },
      {
        at: at(40),
        objectives: [
          { name: 'cart', status: 'red' },
          { name: 'browse', status: 'red' },
        ],
      },
      {
        at: at(1000),
        objectives: [
          { name: 'cart', status: 'green' },
          { name: 'browse', status: 'green' },
        ],
      },
    ]);
    expect(tokens.sort()).toEqual([
      'condition:CrashLoopBackOff',
      'condition:OOMKilled',
      'first-red:cart',
      'red-for:over-15m',
      'red:browse',
      'red:cart',
    ]);
    expect(timelineTokens([{ at: at(0), objectives: [{ name: 'cart', status: 'green' }] }])).toEqual([]);
    expect([59, 60, 299, 300, 899, 900].map(redDurationBucket)).toEqual(['under-1m', '1-5m', '1-5m', '5-15m', '5-15m', 'over-15m']);
  });

  it('says what is shared in words, each kind once, the verb alone left out when its resource is named', () => {
    expect(
      describeShared(['condition:OOMKilled', 'fix:set-resources', 'fix:set-resources:deployment', 'fix:scale', 'red:cart', 'red-for:1-5m']),
    ).toBe('went red cart; red for 1-5m; conditions OOMKilled; fix set-resources deployment, scale');
  });
});
