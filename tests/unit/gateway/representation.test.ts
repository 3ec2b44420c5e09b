// What the gateway asks the API server for when it reads an answer, and what it records and throttles.
import { describe, expect, it } from 'vitest';
import { createAuthThrottle } from '../../../gateway/auth-throttle.ts';
import { hideServerAddresses } from '../../../gateway/discovery.ts';
import { encode, negotiate } from '../../../gateway/representation.ts';
import { storable } from '../../../gateway/storable.ts';

describe('negotiate', () => {
  it('asks the API server for JSON forms only and keeps their parameters', () => {
    expect(negotiate('application/json;as=Table;v=v1;g=meta.k8s.io,application/json')).toEqual({
      upstreamAccept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      produce: 'json',
    });
    expect(negotiate('application/vnd.kubernetes.protobuf,application/json')).toEqual({
      upstreamAccept: 'application/json',
      produce: 'json',
    });
    expect(negotiate(undefined)).toEqual({ upstreamAccept: 'application/json', produce: 'json' });
  });

  it('produces YAML itself from JSON, and refuses protobuf- or CBOR-only clients', () => {
    expect(negotiate('application/yaml')).toEqual({ upstreamAccept: 'application/json', produce: 'yaml' });
    expect(negotiate('application/yaml;as=Table;v=v1;g=meta.k8s.io')).toEqual({
      upstreamAccept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      produce: 'yaml',
    });
    expect(negotiate('application/vnd.kubernetes.protobuf')).toBeUndefined();
    expect(negotiate('application/cbor')).toBeUndefined();
    expect(encode({ kind: 'Pod', metadata: { name: 'a' } }, 'yaml')).toMatchObject({ contentType: 'application/yaml' });
    expect(encode({ kind: 'Pod' }, 'yaml').body.toString()).toBe('kind: Pod\n');
  });

  it('keeps the Content-Type parameters that say which form the body is', () => {
    const discovery = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
    expect(encode({ kind: 'APIGroupDiscoveryList' }, 'json', discovery).contentType).toBe(discovery);
    expect(encode({ kind: 'Table' }, 'yaml', 'application/json;as=Table;v=v1;g=meta.k8s.io;charset=utf-8').contentType).toBe(
      'application/yaml;as=Table;v=v1;g=meta.k8s.io',
    );
  });
});

describe('hideServerAddresses', () => {
  it('removes the API server address from /api and /apis answers', () => {
    const address = [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:16443' }];
    expect(hideServerAddresses({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: address })).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
    });
    const groups = hideServerAddresses({ kind: 'APIGroupList', groups: [{ name: 'apps', serverAddressByClientCIDRs: address }] });
    expect(JSON.stringify(groups)).not.toContain('16443');
  });
});

describe('storable', () => {
  it('writes NULs and lone surrogates as visible escapes, in values and keys', () => {
    expect(storable({ 'a\u0000': ['x\u0000y', 'z\ud800', 'ok 😀', 3] })).toEqual({ 'a\\u0000': ['x\\u0000y', 'z\\ud800', 'ok 😀', 3] });
    const at = new Date(0);
    expect(storable({ at }).at).toBe(at);
  });
});

describe('auth throttle', () => {
  it('refuses an address after N failures in a minute, and lets it back as time passes', () => {
    let now = 0;
    const throttle = createAuthThrottle({ failuresPerMinute: 3, now: () => now });
    for (let index = 0; index < 3; index += 1) {
      expect(throttle.allows('10.0.0.1')).toBe(true);
      throttle.failed('10.0.0.1');
    }
    expect(throttle.allows('10.0.0.1')).toBe(false);
    expect(throttle.allows('10.0.0.2')).toBe(true);
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(20);
    now += 20_000;
    expect(throttle.allows('10.0.0.1')).toBe(true);
  });
});
