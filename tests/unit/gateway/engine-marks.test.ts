// Challenge mode: nothing the participant reads carries the engine's labels, and fault objects do not exist.
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { hideEngine } from '../../../gateway/engine-marks.ts';
import { rewriteJsonLine, rewriteLines } from '../../../gateway/watch-lines.ts';

const engineLabels = { 'failurelib.dev/session': 's1', 'app.kubernetes.io/managed-by': 'failurelib', 'app.kubernetes.io/name': 'web' };
const deployment = (name: string, labels: Record<string, string> = engineLabels) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    labels,
    annotations: { 'failurelib.dev/fault-note': 'scaled', team: 'shop' },
    managedFields: [
      {
        manager: 'failurelib',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:failurelib.dev/session': {}, 'f:app.kubernetes.io/name': {} } } },
      },
    ],
  },
  spec: { replicas: 0, template: { metadata: { labels: { 'failurelib.dev/session': 's1', app: 'web' } }, spec: {} } },
});
const fault = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fault-cfg', labels: { 'failurelib.dev/fault': 'x' } } };

describe('hideEngine', () => {
  it('removes engine label and annotation keys from an object, its template and its managedFields', () => {
    const { body, hidden } = hideEngine(deployment('web'));
    expect(hidden).toBe(false);
    const text = JSON.stringify(body);
    expect(text).not.toContain('failurelib.dev/');
    expect(body).toMatchObject({
      metadata: { labels: { 'app.kubernetes.io/name': 'web' }, annotations: { team: 'shop' } },
      spec: { replicas: 0, template: { metadata: { labels: { app: 'web' } } } },
    });
  });

  it("removes the simulated cluster's needs annotations, which would name the fault, from pod templates", () => {
    const workload = {
      kind: 'Deployment',
      metadata: { name: 'api' },
      spec: { template: { metadata: { annotations: { 'sim.failurelib.dev/needs-memory': '200Mi', owner: 'team-a' } } } },
    };
    const { body } = hideEngine(workload) as { body: { spec: { template: { metadata: { annotations: Record<string, string> } } } } };
    expect(body.spec.template.metadata.annotations).toEqual({ owner: 'team-a' });
  });

  it('hides fault objects: alone (404), in lists, in Tables and in watch events', () => {
    expect(hideEngine(fault).hidden).toBe(true);
    expect(hideEngine({ apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'PodChaos', metadata: { name: 'kill' } }).hidden).toBe(true);
    const list = hideEngine({
      kind: 'ConfigMapList',
      items: [fault, { kind: 'ConfigMap', metadata: { name: 'ok', labels: engineLabels } }],
    }).body as { items: { metadata: { name: string } }[] };
    expect(list.items.map((item) => item.metadata.name)).toEqual(['ok']);
    expect(JSON.stringify(list)).not.toContain('failurelib.dev/');
    expect(hideEngine({ type: 'ADDED', object: fault }).hidden).toBe(true);
  });

  it("hides the engine's load generator (its Deployment and its pods) like a fault", () => {
    const deployment = hideEngine({
      kind: 'DeploymentList',
      items: [
        { kind: 'Deployment', metadata: { name: 'load-generator', labels: { ...engineLabels, 'failurelib.dev/load-generator': 'true' } } },
        { kind: 'Deployment', metadata: { name: 'storefront', labels: engineLabels } },
      ],
    }).body as { items: { metadata: { name: string } }[] };
    expect(deployment.items.map((item) => item.metadata.name)).toEqual(['storefront']);
    const pod = { kind: 'Pod', metadata: { name: 'load-generator-7d9f-abcde', labels: { 'failurelib.dev/load-generator': 'true' } } };
    expect(hideEngine(pod).hidden).toBe(true);
  });

  it('hides the events about the load generator (kubectl get events, events.k8s.io, Tables, watch), keeps the others', () => {
    const event = (name: string, involved: string, reason: string) => ({
      metadata: { name: `${name}.18a1b2c3d4e5f607`, namespace: 'fl-1' },
      involvedObject: { kind: 'Pod', name: involved },
      reason,
      message: `${reason} ${involved}`,
    });
    const core = hideEngine({
      kind: 'EventList',
      items: [
        event('load-generator', 'load-generator', 'ScalingReplicaSet'),
        event('load-generator-7d9f', 'load-generator-7d9f', 'SuccessfulCreate'),
        event('load-generator-7d9f-abcde', 'load-generator-7d9f-abcde', 'Started'),
        event('storefront-5c6d-xyz12', 'storefront-5c6d-xyz12', 'BackOff'),
      ],
    }).body as { items: { reason: string }[] };
    expect(core.items.map((item) => item.reason)).toEqual(['BackOff']);
    const modern = { metadata: { name: 'load-generator-7d9f-abcde.18a1' }, regarding: { kind: 'Pod', name: 'load-generator-7d9f-abcde' } };
    expect(hideEngine({ kind: 'EventList', apiVersion: 'events.k8s.io/v1', items: [modern] }).body).toMatchObject({ items: [] });
    // kubectl get events: a Table whose rows carry only the event's metadata.
    const table = hideEngine({
      kind: 'Table',
      rows: [
        { cells: ['Started'], object: { kind: 'PartialObjectMetadata', metadata: { name: 'load-generator-7d9f-abcde.18a1b2c3d4e5f607' } } },
        { cells: ['BackOff'], object: { kind: 'PartialObjectMetadata', metadata: { name: 'storefront-5c6d-xyz12.18a1b2c3d4e5f607' } } },
      ],
    }).body as { rows: { cells: string[] }[] };
    expect(table.rows.map((row) => row.cells[0])).toEqual(['BackOff']);
    expect(hideEngine({ type: 'ADDED', object: event('load-generator', 'load-generator', 'ScalingReplicaSet') }).hidden).toBe(true);
  });

  it('cleans Table rows (kubectl get) and drops fault rows; a named get of a fault is hidden', () => {
    const table = {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      columnDefinitions: [{ name: 'Name' }],
      rows: [
        { cells: ['web'], object: { kind: 'PartialObjectMetadata', metadata: { name: 'web', labels: engineLabels } } },
        { cells: ['fault-cfg'], object: { kind: 'PartialObjectMetadata', metadata: fault.metadata } },
      ],
    };
    const shown = hideEngine(table).body as { rows: { cells: string[] }[] };
    expect(shown.rows.map((row) => row.cells[0])).toEqual(['web']);
    expect(JSON.stringify(shown)).not.toContain('failurelib.dev/');
    expect(hideEngine({ ...table, rows: [table.rows[1]] }, { named: true }).hidden).toBe(true);
    expect(hideEngine({ ...table, rows: [] }, { named: false }).hidden).toBe(false);
  });

  it('cleans watch events whose object is a Table', () => {
    const event = { type: 'MODIFIED', object: { kind: 'Table', rows: [{ cells: ['web'], object: deployment('web') }] } };
    expect(JSON.stringify(hideEngine(event).body)).not.toContain('failurelib.dev/');
  });

  it('removes the fault API group from discovery', () => {
    const groups = hideEngine({ kind: 'APIGroupList', groups: [{ name: 'apps' }, { name: 'chaos-mesh.org' }] }).body;
    expect(groups).toEqual({ kind: 'APIGroupList', groups: [{ name: 'apps' }] });
    const aggregated = hideEngine({
      kind: 'APIGroupDiscoveryList',
      items: [{ metadata: { name: 'chaos-mesh.org' } }, { metadata: { name: 'apps' } }],
    }).body;
    expect(aggregated).toEqual({ kind: 'APIGroupDiscoveryList', items: [{ metadata: { name: 'apps' } }] });
  });

  it('leaves Status bodies alone', () => {
    const status = { kind: 'Status', code: 404, message: 'x' };
    expect(hideEngine(status)).toEqual({ body: status, hidden: false });
  });
});

describe('watch stream rewriting', () => {
  const hide = rewriteJsonLine((event) => {
    const shown = hideEngine(event);
    return shown.hidden ? undefined : shown.body;
  });

  it('rewrites newline-delimited events split across chunks, dropping fault events', async () => {
    const events = [
      { type: 'ADDED', object: deployment('web') },
      { type: 'ADDED', object: fault },
      { type: 'MODIFIED', object: deployment('api') },
    ];
    const wire = events.map((event) => JSON.stringify(event)).join('\n') + '\n';
    const chunks = [wire.slice(0, 17), wire.slice(17, 400), wire.slice(400)];
    const out = await text(Readable.from(chunks.map((chunk) => Buffer.from(chunk))).pipe(rewriteLines(hide)));
    const lines = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; object: { metadata: { name: string } } });
    expect(lines.map((line) => `${line.type} ${line.object.metadata.name}`)).toEqual(['ADDED web', 'MODIFIED api']);
    expect(out).not.toContain('failurelib.dev/');
  });

  it('emits each event as soon as its line is complete', async () => {
    const stream = rewriteLines(hide);
    const seen: string[] = [];
    stream.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
    stream.write(`${JSON.stringify({ type: 'ADDED', object: deployment('web') })}\n{"type":"MODI`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(1);
    stream.end();
  });

  it('passes a last line without newline and non-JSON lines through', async () => {
    const out = await text(
      Readable.from([Buffer.from('not json\n{"type":"DELETED","object":{"metadata":{"name":"x"}}}')]).pipe(rewriteLines(hide)),
    );
    expect(out).toBe('not json\n{"type":"DELETED","object":{"metadata":{"name":"x"}}}\n');
  });
});
