// Telemetry that real tools read: with Sumo configured, the telemetry collector (infra/otel-collector, the
// OpenTelemetry Collector built here) tails the real node's pod logs and takes the engine's SLI series, and ships
// both to Sumo's OTLP/HTTP source (here the local stand-in of Sumo's documented API, which reads the binary
// protobuf the collector sends). A fault in a real-node session: the stand-in receives the failing service's own
// log line tagged with the session's namespace and key, and the SLI points that show the error rate go up.
// Needs root, infra/real-node/setup.sh (it builds the collector) and the node images; run under
// `flock /tmp/fl-real-node.lock`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SlaEvaluator } from '../../activities/sla/evaluator.ts';
import { createSlaProvider } from '../../activities/sla/providers.ts';
import { pushSliSeries, sessionKey, SLI_METRICS } from '../../activities/sla/sumo/sli-series.ts';
import { watch, type WatchInput } from '../../activities/sla/watch.ts';
import { connectKube, type Kube } from '../../cluster/kube.ts';
import { loadGeneratorObjects } from '../../cluster/load-generator.ts';
import { applyManifests, createSandbox, deleteSandbox } from '../../cluster/sandbox.ts';
import { loadConfig } from '../../config/config.ts';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { freePort } from '../../infra/lib/ports.ts';
import { startCollector, type Collector } from '../../infra/otel-collector/collector.ts';
import type { RealNode } from '../../infra/real-node/node.ts';
import { startFakeSumo, type FakeSumo } from '../support/fake-sumo.ts';
import { sendToRealNode, startTestRealNode } from '../support/real-node.ts';
import { waitFor } from '../support/scenario-runner.ts';
import { greeterDeployment, greeterService, greeterSystem } from '../support/greeter.ts';
import { insertSessionRow } from '../support/session-row.ts';

const system = greeterSystem;
const FAILURE_LINE = 'greeter: FATAL cannot read configuration /etc/greeter/greeter.conf: No such file or directory';
// The service reads its configuration at start and says so in its own words when it cannot.
const deployment = (config: string) =>
  greeterDeployment({
    recreate: true,
    env: { GREETER_CONFIG: config },
    before:
      'if [ ! -r "$GREETER_CONFIG" ]; then echo "greeter: FATAL cannot read configuration $GREETER_CONFIG: No such file or directory" >&2; exit 1; fi; ' +
      'echo "greeter: serving on :8080"; ',
  });
const objectives = system.spec.objectives;
const measured: Record<string, number> = {};

describe('telemetry to Sumo Logic through the collector, on the real node', () => {
  let fake: FakeSumo;
  let database: DatabaseHandle;
  let kube: Kube;
  let node: RealNode | undefined;
  let collector: Collector | undefined;
  let collectorDir: string;
  let evaluator: SlaEvaluator;
  let sessionId: string;
  let namespace: string;

  const run = (until: WatchInput['until']) =>
    watch(
      { sessionId, namespace, until, holdSeconds: 0 },
      {
        db: database.db,
        evaluator,
        objectives,
        oracleHolds: async () => true,
        resumed: undefined,
        heartbeat: () => {},
        signal: new AbortController().signal,
        // What the worker does when SUMO_OTLP_URL is set (activities/session-activities.ts).
        onSample: (reading, at) => pushSliSeries(collector!.otlpUrl, sessionId, namespace, reading, at),
      },
    );

  beforeAll(async () => {
    const admin = inject('kubeconfig');
    fake = await startFakeSumo();
    database = openDatabase(inject('databases')[0]!.url);
    kube = connectKube(admin);
    node = await startTestRealNode(admin);
    collectorDir = mkdtempSync(join(tmpdir(), 'fl-collector-'));
    collector = await startCollector({
      podLogsDir: node.layout.podLogsDir,
      exportUrl: fake.otlpUrl,
      otlpPort: await freePort(),
      dir: collectorDir,
    });
    evaluator = new SlaEvaluator(createSlaProvider(loadConfig({ SLA_PROVIDER: 'auto' }).sla, kube), 1000);
    sessionId = await insertSessionRow(database.db, 'Telemetry Tess');
    namespace = await createSandbox(kube, sessionId);
    await sendToRealNode(kube, namespace);
    await applyManifests(kube, sessionId, namespace, [
      deployment('/tmp/srv/index.html'),
      greeterService,
      ...loadGeneratorObjects(system),
    ] as unknown as KubernetesObject[]);
  }, 240_000);

  afterAll(async () => {
    evaluator?.close();
    if (kube && sessionId) {
      const deadline = Date.now() + 120_000;
      while (!(await deleteSandbox(kube, sessionId)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    if (collector) {
      const pid = collector.process.current().child.pid;
      const rss = pid ? /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] : undefined;
      if (rss) measured.collectorRssMiB = Math.round(Number(rss) / 102.4) / 10;
      await collector.stop();
    }
    await node?.stop();
    await database?.close();
    await fake?.close();
    if (collectorDir) rmSync(collectorDir, { recursive: true, force: true });
    console.log(`telemetry through the collector: ${JSON.stringify(measured)}`);
  }, 180_000);

  it("ships the failing service's own log line tagged with the session, and the SLI series that show the errors", async () => {
    expect((await run('green')).status).toBe('green');
    // The service's own lines, from its CRI log file, tagged by the collector.
    const serving = await waitFor(
      "the service's start line at the stand-in",
      async () => fake.otlpLogs.find((r) => r.resource.namespace === namespace && String(r.body).includes('greeter: serving on :8080')),
      30_000,
    );
    expect(serving.resource).toMatchObject({
      namespace,
      session: sessionKey(sessionId),
      container: 'web',
      _sourceCategory: 'failurelib/containers',
      'k8s.namespace.name': namespace,
    });
    expect(String(serving.resource.pod)).toMatch(/^web-/);

    // The fault: the service's configuration points at a file that is not there.
    const faultAt = Date.now();
    await applyManifests(kube, sessionId, namespace, [deployment('/etc/greeter/greeter.conf')] as unknown as KubernetesObject[]);
    expect((await run('red')).status).toBe('red');
    const failing = await waitFor(
      "the failing service's own line at the stand-in",
      async () => fake.otlpLogs.find((r) => r.resource.namespace === namespace && r.body === FAILURE_LINE),
      30_000,
    );
    measured.faultToLogLineAtSumoSeconds = (Date.now() - faultAt) / 1000;
    expect(failing.resource).toMatchObject({ namespace, session: sessionKey(sessionId), container: 'web' });
    expect(failing.attributes['log.iostream']).toBe('stderr');
    // Stamped with the time the service wrote it (the CRI line's), not when it was shipped.
    expect(Number(BigInt(failing.timeUnixNano) / 1_000_000n)).toBeGreaterThanOrEqual(faultAt - 1000);
    // Other namespaces' lines (the node's add-ons) carry no session key.
    expect(fake.otlpLogs.filter((r) => r.resource.namespace !== namespace).every((r) => r.resource.session === undefined)).toBe(true);

    // The SLI series: the error rate of the journey was 0 while green and is above the objective's 5 % now.
    const errorRates = () =>
      fake.otlpMetrics.filter(
        (p) => p.name === SLI_METRICS.errorRate && p.resource.session_id === sessionId && p.attributes.objective === 'readers-read',
      );
    const high = await waitFor(
      'an error-rate point of the red SLA at the stand-in',
      async () => errorRates().find((p) => p.value > 0.05),
      15_000,
    );
    expect(high.resource).toMatchObject({ namespace, session: sessionKey(sessionId), _sourceCategory: 'failurelib/sli' });
    expect(errorRates().some((p) => p.value === 0)).toBe(true);
    expect(fake.otlpMetrics.some((p) => p.name === SLI_METRICS.p95Ms && p.resource.session_id === sessionId)).toBe(true);
    expect(fake.otlpMetrics.find((p) => p.name === SLI_METRICS.objectiveOk && p.value === 0)?.attributes.objective).toBe('readers-read');
    measured.logRecordsReceived = fake.otlpLogs.length;
    measured.sliPointsReceived = fake.otlpMetrics.length;
  }, 240_000);
});
