// How the gateway reads a write before deciding on it: the body decoded as the API server would decode it,
// and the object the write leaves behind, whatever encoding or patch type spells it.
import { describe, expect, it } from 'vitest';
import { resultingObject } from '../../../gateway/resulting-object.ts';
import { decodeWrite } from '../../../gateway/write-body.ts';

const TOKEN_TYPE = 'kubernetes.io/service-account-token';

function typeAfter(method: string, contentType: string, text: string, before?: unknown): unknown {
  const decoded = decodeWrite(method, contentType, undefined, Buffer.from(text));
  if (!decoded.ok) throw new Error(decoded.message);
  return (resultingObject(decoded.encoding, decoded.value, before) as { type?: unknown } | undefined)?.type;
}

describe('decoding writes', () => {
  it('reads escaped JSON and YAML spellings of the type as the type', () => {
    expect(typeAfter('POST', 'application/json', '{"kind":"Secret","type":"kubernetes.io\\u002fservice-account-token"}')).toBe(TOKEN_TYPE);
    expect(typeAfter('POST', 'application/yaml', 'kind: Secret\ntype: "kubernetes.io\\x2Fservice-account-token"\n')).toBe(TOKEN_TYPE);
    expect(typeAfter('PATCH', 'application/apply-patch+yaml', 'kind: Secret\ntype: >-\n  kubernetes.io/service-account-token\n')).toBe(
      TOKEN_TYPE,
    );
  });

  it('forwards YAML as the JSON it decoded, and JSON as sent', () => {
    const yaml = decodeWrite('POST', 'application/yaml', undefined, Buffer.from('kind: Secret\ntype: Opaque\n'));
    expect(yaml).toMatchObject({ ok: true, contentType: 'application/json' });
    expect(yaml.ok && JSON.parse(yaml.body.toString())).toEqual({ kind: 'Secret', type: 'Opaque' });
    const json = Buffer.from('{"spec":{"replicas":12345678901234567890}}');
    const decoded = decodeWrite('PATCH', 'application/merge-patch+json', undefined, json);
    expect(decoded.ok && decoded.body).toBe(json);
  });

  it('refuses what it cannot decode: protobuf, CBOR, compressed or untyped patches', () => {
    expect(decodeWrite('POST', 'application/vnd.kubernetes.protobuf', undefined, Buffer.from([0x6b, 0x38, 0x73, 0]))).toMatchObject({
      ok: false,
      status: 415,
    });
    expect(decodeWrite('POST', 'application/cbor', undefined, Buffer.from([0xa0]))).toMatchObject({ ok: false, status: 415 });
    expect(decodeWrite('POST', 'application/json', 'gzip', Buffer.from([0x1f, 0x8b]))).toMatchObject({ ok: false, status: 415 });
    expect(decodeWrite('PATCH', undefined, undefined, Buffer.from('{}'))).toMatchObject({ ok: false, status: 415 });
    expect(decodeWrite('POST', 'application/json', undefined, Buffer.from('{"a":'))).toMatchObject({ ok: false, status: 400 });
  });

  it('applies merge, strategic-merge and JSON patches to the object before', () => {
    const before = { kind: 'Secret', type: 'Opaque', data: { a: 'YQ==' } };
    expect(typeAfter('PATCH', 'application/merge-patch+json', `{"type":"${TOKEN_TYPE}"}`, before)).toBe(TOKEN_TYPE);
    expect(typeAfter('PATCH', 'application/strategic-merge-patch+json', `{"$patch":"replace","type":"${TOKEN_TYPE}"}`, before)).toBe(
      TOKEN_TYPE,
    );
    expect(typeAfter('PATCH', 'application/json-patch+json', `[{"op":"replace","path":"/type","value":"${TOKEN_TYPE}"}]`, before)).toBe(
      TOKEN_TYPE,
    );
    expect(
      typeAfter(
        'PATCH',
        'application/json-patch+json',
        `[{"op":"add","path":"/t~1x","value":"${TOKEN_TYPE}"},{"op":"move","from":"/t~1x","path":"/type"}]`,
        before,
      ),
    ).toBe(TOKEN_TYPE);
    expect(typeAfter('PATCH', 'application/merge-patch+json', '{"data":{"a":null}}', before)).toBe('Opaque');
  });
});
