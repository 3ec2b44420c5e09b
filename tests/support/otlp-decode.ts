// Reads what an OTLP/HTTP exporter posts (ExportLogsServiceRequest, ExportMetricsServiceRequest), in the binary
// protobuf encoding the OpenTelemetry Collector sends by default or in OTLP/JSON, gzip or not, into flat records.
// Only the fields the Sumo stand-in keeps: resource and record attributes, log bodies, gauge and sum points.
import { gunzipSync } from 'node:zlib';

type Value = string | number | boolean | Value[] | { [key: string]: Value };
export type Attributes = Record<string, Value>;

export interface OtlpLogRecord {
  resource: Attributes;
  attributes: Attributes;
  body: Value;
  timeUnixNano: string;
}

export interface OtlpMetricPoint {
  resource: Attributes;
  name: string;
  attributes: Attributes;
  value: number;
  timeUnixNano: string;
}

/** A message as its fields: field number → the raw values (varints and fixed64 as bigint, the rest as bytes). */
type Fields = Map<number, (bigint | Buffer)[]>;

function readVarint(buffer: Buffer, at: { offset: number }): bigint {
  let result = 0n;
  for (let shift = 0n; ; shift += 7n) {
    const byte = buffer[at.offset++];
    if (byte === undefined) throw new Error('truncated varint');
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return result;
  }
}

function fields(buffer: Buffer): Fields {
  const out: Fields = new Map();
  const at = { offset: 0 };
  while (at.offset < buffer.length) {
    const tag = Number(readVarint(buffer, at));
    const field = tag >>> 3;
    let value: bigint | Buffer;
    switch (tag & 7) {
      case 0:
        value = readVarint(buffer, at);
        break;
      case 1:
        value = buffer.readBigUInt64LE(at.offset);
        at.offset += 8;
        break;
      case 2: {
        const length = Number(readVarint(buffer, at));
        value = buffer.subarray(at.offset, at.offset + length);
        at.offset += length;
        break;
      }
      case 5:
        value = BigInt(buffer.readUInt32LE(at.offset));
        at.offset += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${tag & 7}`);
    }
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const bytes = (f: Fields, n: number) => (f.get(n) ?? []).filter((v): v is Buffer => Buffer.isBuffer(v));
const first = (f: Fields, n: number) => f.get(n)?.[0];
const str = (f: Fields, n: number) => (bytes(f, n)[0] ?? Buffer.alloc(0)).toString('utf8');
const double = (raw: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(raw);
  return b.readDoubleLE(0);
};

function anyValue(f: Fields): Value {
  if (f.has(1)) return str(f, 1);
  if (f.has(2)) return first(f, 2) === 1n;
  if (f.has(3)) return Number(BigInt.asIntN(64, first(f, 3) as bigint));
  if (f.has(4)) return double(first(f, 4) as bigint);
  if (f.has(5)) return bytes(fields(bytes(f, 5)[0]!), 1).map((v) => anyValue(fields(v)));
  if (f.has(6)) return keyValues(bytes(fields(bytes(f, 6)[0]!), 1));
  return '';
}

function keyValues(list: Buffer[]): Attributes {
  return Object.fromEntries(
    list.map((kv) => {
      const f = fields(kv);
      return [str(f, 1), anyValue(fields(bytes(f, 2)[0] ?? Buffer.alloc(0)))];
    }),
  );
}

const resourceOf = (f: Fields) => keyValues(bytes(fields(bytes(f, 1)[0] ?? Buffer.alloc(0)), 1));

function logsFromProtobuf(buffer: Buffer): OtlpLogRecord[] {
  return bytes(fields(buffer), 1).flatMap((rl) => {
    const resourceLogs = fields(rl);
    const resource = resourceOf(resourceLogs);
    return bytes(resourceLogs, 2).flatMap((sl) =>
      bytes(fields(sl), 2).map((lr) => {
        const record = fields(lr);
        const time = (first(record, 1) as bigint | undefined) || (first(record, 11) as bigint | undefined) || 0n;
        return {
          resource,
          attributes: keyValues(bytes(record, 6)),
          body: anyValue(fields(bytes(record, 5)[0] ?? Buffer.alloc(0))),
          timeUnixNano: String(time),
        };
      }),
    );
  });
}

function metricsFromProtobuf(buffer: Buffer): OtlpMetricPoint[] {
  return bytes(fields(buffer), 1).flatMap((rm) => {
    const resourceMetrics = fields(rm);
    const resource = resourceOf(resourceMetrics);
    return bytes(resourceMetrics, 2).flatMap((sm) =>
      bytes(fields(sm), 2).flatMap((m) => {
        const metric = fields(m);
        const name = str(metric, 1);
        // gauge (5) and sum (7) carry NumberDataPoints as their field 1.
        const data = bytes(metric, 5)[0] ?? bytes(metric, 7)[0];
        if (!data) return [];
        return bytes(fields(data), 1).map((dp) => {
          const point = fields(dp);
          const value = point.has(4) ? double(first(point, 4) as bigint) : Number(BigInt.asIntN(64, (first(point, 6) as bigint) ?? 0n));
          return { resource, name, attributes: keyValues(bytes(point, 7)), value, timeUnixNano: String(first(point, 3) ?? 0n) };
        });
      }),
    );
  });
}

interface JsonAny {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: JsonAny[] };
  kvlistValue?: { values?: JsonKeyValue[] };
}
interface JsonKeyValue {
  key: string;
  value?: JsonAny;
}
const jsonAny = (v: JsonAny | undefined): Value =>
  v?.stringValue ??
  v?.boolValue ??
  (v?.intValue !== undefined ? Number(v.intValue) : undefined) ??
  v?.doubleValue ??
  (v?.arrayValue ? (v.arrayValue.values ?? []).map(jsonAny) : undefined) ??
  (v?.kvlistValue ? jsonAttributes(v.kvlistValue.values) : '');
const jsonAttributes = (list: JsonKeyValue[] | undefined): Attributes =>
  Object.fromEntries((list ?? []).map((kv) => [kv.key, jsonAny(kv.value)]));

interface JsonLogs {
  resourceLogs?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeLogs?: { logRecords?: { timeUnixNano?: string; attributes?: JsonKeyValue[]; body?: JsonAny }[] }[];
  }[];
}
interface JsonPoint {
  attributes?: JsonKeyValue[];
  timeUnixNano?: string;
  asDouble?: number;
  asInt?: string | number;
}
interface JsonMetrics {
  resourceMetrics?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeMetrics?: { metrics?: { name: string; gauge?: { dataPoints?: JsonPoint[] }; sum?: { dataPoints?: JsonPoint[] } }[] }[];
  }[];
}

function unpack(body: Buffer, contentEncoding: string | undefined): Buffer {
  return contentEncoding === 'gzip' ? gunzipSync(body) : body;
}

export function decodeLogs(body: Buffer, contentType = '', contentEncoding?: string): OtlpLogRecord[] {
  const raw = unpack(body, contentEncoding);
  if (!contentType.includes('json')) return logsFromProtobuf(raw);
  return ((JSON.parse(raw.toString('utf8')) as JsonLogs).resourceLogs ?? []).flatMap((rl) =>
    (rl.scopeLogs ?? []).flatMap((sl) =>
      (sl.logRecords ?? []).map((lr) => ({
        resource: jsonAttributes(rl.resource?.attributes),
        attributes: jsonAttributes(lr.attributes),
        body: jsonAny(lr.body),
        timeUnixNano: lr.timeUnixNano ?? '0',
      })),
    ),
  );
}

export function decodeMetrics(body: Buffer, contentType = '', contentEncoding?: string): OtlpMetricPoint[] {
  const raw = unpack(body, contentEncoding);
  if (!contentType.includes('json')) return metricsFromProtobuf(raw);
  return ((JSON.parse(raw.toString('utf8')) as JsonMetrics).resourceMetrics ?? []).flatMap((rm) =>
    (rm.scopeMetrics ?? []).flatMap((sm) =>
      (sm.metrics ?? []).flatMap((m) =>
        (m.gauge?.dataPoints ?? m.sum?.dataPoints ?? []).map((dp) => ({
          resource: jsonAttributes(rm.resource?.attributes),
          name: m.name,
          attributes: jsonAttributes(dp.attributes),
          value: dp.asDouble ?? Number(dp.asInt ?? 0),
          timeUnixNano: dp.timeUnixNano ?? '0',
        })),
      ),
    ),
  );
}
