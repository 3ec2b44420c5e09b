// The telemetry collector next to the real node: an OpenTelemetry Collector built here (manifest.yaml, build.sh)
// that tails the node's pod log directory (the kubelet's CRI log files) and takes the engine's SLI series on its
// OTLP/HTTP receiver, and ships both to Sumo Logic's OTLP/HTTP source. A host process, supervised like the node's
// own: it reads the log files where the kubelet writes them, and nothing a participant can do with kubectl (their
// namespace is Pod Security `baseline`, no host paths) can stop it or reach its configuration.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTAINER_LOG_CATEGORY } from '../../activities/sla/sumo/sli-series.ts';
import { isPortOpen } from '../lib/ports.ts';
import { startProcess, waitUntil } from '../lib/processes.ts';
import { requireTool } from '../lib/tools.ts';
import { supervise, type SupervisedProcess } from '../real-node/supervisor.ts';

export interface CollectorOptions {
  /** The kubelet's pod log directory (RealNode.layout.podLogsDir): `<namespace>_<pod>_<uid>/<container>/<n>.log`. */
  podLogsDir: string;
  /** Sumo Logic's OTLP/HTTP source URL; the exporter appends /v1/logs and /v1/metrics. */
  exportUrl: string;
  /** Loopback port of the OTLP/HTTP receiver the engine pushes its SLI series to. */
  otlpPort: number;
  /** Config and log file go here. */
  dir: string;
  progress?: (message: string) => void;
}

export interface Collector {
  /** Where the engine posts OTLP (`<url>/v1/metrics`). */
  otlpUrl: string;
  process: SupervisedProcess;
  stop(): Promise<void>;
}

/** The sandbox namespace carries the session's first 20 hex digits (cluster/labels.ts sandboxNamespace): its key. */
export const SESSION_KEY_PATTERN = '^fl-(?P<session>[0-9a-f]{20})$';

/** The collector's configuration (JSON, which the collector reads as YAML). */
export function collectorConfig(options: Pick<CollectorOptions, 'podLogsDir' | 'exportUrl' | 'otlpPort'>) {
  const resource = (pairs: [string, string][]) => pairs.map(([key, from]) => ({ key, from_attribute: from, action: 'upsert' }));
  return {
    receivers: {
      file_log: {
        include: [join(options.podLogsDir, '*', '*', '*.log')],
        // A pod's file is read from its first line: the collector starts with the node, before any sandbox.
        start_at: 'beginning',
        include_file_path: true,
        poll_interval: '500ms',
        operators: [
          // CRI lines (`<time> stdout F <line>`), partial lines joined; namespace, pod, uid and container from the path.
          { type: 'container', format: 'containerd', add_metadata_from_filepath: true },
          {
            type: 'regex_parser',
            if: 'resource["k8s.namespace.name"] matches "^fl-"',
            parse_from: 'resource["k8s.namespace.name"]',
            parse_to: 'resource',
            regex: SESSION_KEY_PATTERN,
            on_error: 'send_quiet',
          },
        ],
      },
      otlp: { protocols: { http: { endpoint: `127.0.0.1:${options.otlpPort}` } } },
    },
    processors: {
      // Sumo's field names (the ones the Sumo SLA provider, the session role and the dashboard filter on).
      'resource/containers': {
        attributes: [
          ...resource([
            ['namespace', 'k8s.namespace.name'],
            ['pod', 'k8s.pod.name'],
            ['container', 'k8s.container.name'],
          ]),
          { key: '_sourceCategory', value: CONTAINER_LOG_CATEGORY, action: 'upsert' },
        ],
      },
      batch: { timeout: '1s', send_batch_size: 512 },
    },
    exporters: {
      'otlp_http/sumo': { endpoint: options.exportUrl.replace(/\/$/, ''), compression: 'gzip', timeout: '30s' },
    },
    service: {
      // No self-metrics server: it would take a fixed port (8888) on the machine.
      telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } },
      pipelines: {
        logs: { receivers: ['file_log'], processors: ['resource/containers', 'batch'], exporters: ['otlp_http/sumo'] },
        metrics: { receivers: ['otlp'], processors: ['batch'], exporters: ['otlp_http/sumo'] },
      },
    },
  };
}

export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const binary = requireTool('fl-otelcol');
  mkdirSync(options.dir, { recursive: true });
  const configFile = join(options.dir, 'collector.yaml');
  writeFileSync(configFile, JSON.stringify(collectorConfig(options), null, 2), { mode: 0o600 }); // the URL is a secret
  const process = supervise('collector', {
    start: () => startProcess('collector', binary, ['--config', configFile], { logFile: join(options.dir, 'collector.log') }),
    progress: options.progress ?? (() => {}),
  });
  try {
    await waitUntil('collector OTLP receiver', () => isPortOpen(options.otlpPort), { process: process.current(), timeoutMs: 30_000 });
  } catch (error) {
    await process.stop();
    throw error;
  }
  return { otlpUrl: `http://127.0.0.1:${options.otlpPort}`, process, stop: () => process.stop() };
}
