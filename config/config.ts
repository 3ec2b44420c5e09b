// One typed, fail-fast configuration read from the environment. Every key is documented in .env.example.
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${key} must be a non-negative integer, got "${raw}"`);
  return value;
}

function text(env: NodeJS.ProcessEnv, key: string, fallback: string): string {
  const raw = env[key];
  return raw === undefined || raw === '' ? fallback : raw;
}

function optional(env: NodeJS.ProcessEnv, key: string): string | undefined {
  const raw = env[key];
  return raw === undefined || raw === '' ? undefined : raw;
}

function optionalUrl(env: NodeJS.ProcessEnv, key: string): string | undefined {
  const raw = optional(env, key);
  if (raw === undefined) return undefined;
  if (!URL.canParse(raw) || new URL(raw).protocol !== 'https:') throw new ConfigError(`${key} must be an https:// URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, key: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, key, fallback);
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

export const CLUSTER_DRIVERS = ['sim', 'namespace', 'kind', 'vcluster'] as const;
export type ClusterDriverName = (typeof CLUSTER_DRIVERS)[number];
/** Where the `sim` and `namespace` drivers send a sandbox's pods (cluster/placement.ts). */
export const SANDBOX_PLACEMENTS = ['sim', 'real'] as const;
export type SandboxPlacement = (typeof SANDBOX_PLACEMENTS)[number];
/** FL_REAL_NODE: `auto` starts the real node when the machine can, `1` requires it, `0` leaves it off. */
const REAL_NODE_VALUES = ['auto', '1', '0'] as const;
const REAL_NODE_CHOICES = { auto: 'auto', '1': 'on', '0': 'off' } as const;
export const SLA_PROVIDERS = ['auto', 'journeys', 'kube-state', 'probe', 'prometheus', 'sumo'] as const;

function required(env: NodeJS.ProcessEnv, key: string, because: string): string {
  const value = optional(env, key);
  if (value === undefined) throw new ConfigError(`${key} is required ${because}`);
  return value;
}

/** SLA provider settings; the chosen provider's keys are required, the others' are optional. */
function slaConfig(env: NodeJS.ProcessEnv) {
  // auto: the load generator's journeys where pods really run, kube-state in the simulation (activities/sla/auto.ts).
  const provider = oneOf(env, 'SLA_PROVIDER', SLA_PROVIDERS, 'auto');
  const needs = (which: string) => `when SLA_PROVIDER=${which}`;
  return {
    provider,
    prometheus: {
      url:
        provider === 'prometheus'
          ? required(env, 'PROMETHEUS_URL', needs('prometheus'))
          : text(env, 'PROMETHEUS_URL', 'http://127.0.0.1:9090'),
      lagSeconds: integer(env, 'PROMETHEUS_LAG_SECONDS', 15),
    },
    probe: {
      urlTemplate: text(env, 'SLA_PROBE_URL', 'http://{service}.{namespace}.svc.cluster.local{path}'),
      requests: integer(env, 'SLA_PROBE_REQUESTS', 20),
      concurrency: integer(env, 'SLA_PROBE_CONCURRENCY', 5),
      timeoutMs: integer(env, 'SLA_PROBE_TIMEOUT_MS', 2000),
    },
    sumo: {
      accessId: provider === 'sumo' ? required(env, 'SUMO_ACCESS_ID', needs('sumo')) : optional(env, 'SUMO_ACCESS_ID'),
      accessKey: provider === 'sumo' ? required(env, 'SUMO_ACCESS_KEY', needs('sumo')) : optional(env, 'SUMO_ACCESS_KEY'),
      apiUrl: text(env, 'SUMO_API_URL', 'https://api.sumologic.com/api/'),
      httpSourceUrl: optional(env, 'SUMO_HTTP_SOURCE_URL'),
      /** Sumo's OTLP/HTTP source: when set, the container logs and SLI series go there through the telemetry collector. */
      otlpUrl: optional(env, 'SUMO_OTLP_URL'),
      /** The telemetry collector's OTLP/HTTP receiver (infra/otel-collector): the worker sends the SLI series there. */
      collectorOtlpUrl: text(env, 'FL_COLLECTOR_OTLP_URL', 'http://127.0.0.1:14318'),
      uiUrl: text(env, 'SUMO_UI_URL', 'https://service.sumologic.com'),
      ingestLagSeconds: integer(env, 'SUMO_INGEST_LAG_SECONDS', 60),
      windowSeconds: integer(env, 'SUMO_WINDOW_SECONDS', 120),
      /** e.g. `fl+{session}@example.com`: when set, each session gets a Sumo user with view access to its dashboard. */
      participantEmailTemplate: optional(env, 'SUMO_PARTICIPANT_EMAIL'),
    },
  };
}

/** Settings of the cluster-per-session drivers (CLUSTER_DRIVER=kind or vcluster); ignored by the others. */
function clusterPerSessionConfig(env: NodeJS.ProcessEnv) {
  return {
    kind: {
      nodeImage: optional(env, 'FL_KIND_NODE_IMAGE'),
      waitSeconds: integer(env, 'FL_KIND_WAIT_SECONDS', 180),
    },
    vcluster: {
      chartVersion: optional(env, 'FL_VCLUSTER_CHART_VERSION'),
      valuesFile: optional(env, 'FL_VCLUSTER_VALUES'),
      serverTemplate: text(env, 'FL_VCLUSTER_SERVER', 'https://{name}.{namespace}.svc'),
    },
  };
}

/**
 * How the API and worker reach Temporal beyond its address: TLS (a client certificate and key for mTLS, a CA for
 * a private server, a server name) and an API key (Temporal Cloud). Any of them turns TLS on; TEMPORAL_TLS=1
 * turns it on with the system's CAs alone. Files are read when the processes connect.
 */
function temporalConnectionConfig(env: NodeJS.ProcessEnv) {
  const certFile = optional(env, 'TEMPORAL_TLS_CERT');
  const keyFile = optional(env, 'TEMPORAL_TLS_KEY');
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new ConfigError('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (the client certificate and its key for mTLS)');
  const caFile = optional(env, 'TEMPORAL_TLS_CA');
  const serverName = optional(env, 'TEMPORAL_TLS_SERVER_NAME');
  const apiKey = optional(env, 'TEMPORAL_API_KEY');
  const tls = env.TEMPORAL_TLS === '1' || [certFile, caFile, serverName, apiKey].some((value) => value !== undefined);
  return { tls: tls ? { certFile, keyFile, caFile, serverName } : undefined, apiKey };
}

/** Comma-separated addresses or CIDR ranges (FL_METRICS_ALLOW), checked. */
function cidrList(env: NodeJS.ProcessEnv, key: string): string[] {
  const entries = text(env, key, '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 6 ? 128 : 32;
    const validPrefix = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !validPrefix || extra !== undefined)
      throw new ConfigError(`${key} must be addresses or CIDR ranges separated by commas, got "${entry}"`);
  }
  return entries;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const dataDir = resolve(text(env, 'FL_DATA_DIR', join(ROOT, '.data')));
  return {
    root: ROOT,
    dataDir,
    apiHost: text(env, 'API_HOST', '127.0.0.1'),
    apiPort: integer(env, 'API_PORT', 3000),
    webPort: integer(env, 'WEB_PORT', 5173),
    /** Where browsers may call the API from (CORS). */
    webOrigin: text(env, 'WEB_ORIGIN', `http://127.0.0.1:${integer(env, 'WEB_PORT', 5173)}`),
    /** postgres://… of a real server; unset means the embedded PGlite served on pgliteSocketPort. */
    databaseUrl: optional(env, 'DATABASE_URL'),
    pgliteSocketPort: integer(env, 'PGLITE_PORT', 5433),
    temporalAddress: text(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233'),
    temporalNamespace: text(env, 'TEMPORAL_NAMESPACE', 'default'),
    temporal: temporalConnectionConfig(env),
    temporalUiPort: integer(env, 'TEMPORAL_UI_PORT', 8233),
    taskQueue: text(env, 'TEMPORAL_TASK_QUEUE', 'failurelib-sessions'),
    /** Webhook deliveries run on their own queue beside the sessions' (worker/publication-worker.ts). */
    publicationTaskQueue: `${text(env, 'TEMPORAL_TASK_QUEUE', 'failurelib-sessions')}-publications`,
    clusterDriver: oneOf(env, 'CLUSTER_DRIVER', CLUSTER_DRIVERS, 'sim'),
    clusters: clusterPerSessionConfig(env),
    /** Kubeconfig of the cluster the engine drives; for `sim` the stack writes it into the data dir. */
    kubeconfig: text(env, 'FL_KUBECONFIG', join(dataDir, 'sim-cluster', 'admin.kubeconfig')),
    simApiPort: integer(env, 'SIM_API_PORT', 16443),
    simEtcdPort: integer(env, 'SIM_ETCD_PORT', 23790),
    simEtcdPeerPort: integer(env, 'SIM_ETCD_PEER_PORT', 23800),
    /**
     * With the sim cluster, the stack's real node (infra/real-node), where pods really run: `auto` starts it when the
     * machine can (root, infra/real-node/setup.sh done), `on` requires it, `off` runs on the simulation only.
     */
    realNode: REAL_NODE_CHOICES[oneOf(env, 'FL_REAL_NODE', REAL_NODE_VALUES, 'auto')],
    /**
     * Where the `sim` and `namespace` drivers send a sandbox's pods: `real` to the real node, `sim` wherever the
     * scheduler puts them (kwok's nodes). Unset: `sim`; the stack sets `real` for its worker and API when it started
     * the real node.
     */
    sandboxPlacement: oneOf(env, 'FL_SANDBOX_PLACEMENT', SANDBOX_PLACEMENTS, 'sim'),
    /**
     * With the real node: `2` (the default) runs its two pools (a second node, pool b, in its own network namespace),
     * which multi-cloud needs; `1` one node, for a machine short of memory.
     */
    realNodePools: oneOf(env, 'FL_REAL_NODE_POOLS', ['1', '2'], '2') === '2' ? (['a', 'b'] as const) : ([] as const),
    scenariosDir: resolve(text(env, 'FL_SCENARIOS_DIR', join(ROOT, 'scenarios'))),
    operatorToken: optional(env, 'FL_OPERATOR_TOKEN'),
    /** Reviews failure reports (categorise, merge duplicates, publish); the operator token may too. */
    reviewerToken: optional(env, 'FL_REVIEWER_TOKEN'),
    /** Draws Challenge codenames; unset: a random secret kept in the data dir (api/scenario-ids.ts). */
    challengeSecret: optional(env, 'FL_CHALLENGE_SECRET'),
    /** Sessions one client address may create per minute; raise it for a booth whose kiosks share one address. */
    sessionCreateLimitPerMinute: integer(env, 'FL_SESSION_CREATE_LIMIT', 20),
    /** Wrong tokens one client address may send per minute for one session (or for operator calls) before 429. */
    failedTokenLimitPerMinute: integer(env, 'FL_FAILED_TOKEN_LIMIT', 20),
    /** The recording kube gateway participants' kubeconfigs point at (HTTPS with the library's own CA). */
    gatewayHost: text(env, 'FL_GATEWAY_HOST', '127.0.0.1'),
    gatewayPort: integer(env, 'FL_GATEWAY_PORT', 6443),
    /** What goes into kubeconfigs; unset: https://127.0.0.1:<the port the gateway listens on>. */
    gatewayPublicUrl: optionalUrl(env, 'FL_GATEWAY_PUBLIC_URL'),
    /** A folder with the gateway's certificate (tls.crt, tls.key and, when not publicly trusted, ca.crt: a
     * kubernetes.io/tls Secret); unset: the library's own CA in <FL_DATA_DIR>/gateway signs one. */
    gatewayTlsDir: optional(env, 'FL_GATEWAY_TLS_DIR'),
    /** Who may read the API's /metrics besides loopback: addresses or CIDR ranges. */
    metricsAllow: cidrList(env, 'FL_METRICS_ALLOW'),
    /** The worker's metrics and health server (/metrics, /healthz); no port: none. */
    workerMetricsHost: text(env, 'FL_WORKER_METRICS_HOST', '127.0.0.1'),
    workerMetricsPort: optional(env, 'FL_WORKER_METRICS_PORT') === undefined ? undefined : integer(env, 'FL_WORKER_METRICS_PORT', 0),
    /** How often the sandbox sweeper's Temporal Schedule runs (a Temporal duration: 5m, 1h). */
    sweeperEvery: text(env, 'FL_SWEEPER_EVERY', '5m'),
    logLevel: text(env, 'LOG_LEVEL', 'info'),
    /** Overrides every scenario's hold time (seconds green after a fix before it counts); for demos and tests. */
    holdSecondsOverride: env.FL_HOLD_SECONDS ? integer(env, 'FL_HOLD_SECONDS', 0) : undefined,
    /** Overrides every scenario's time limit for the running phase; for demos and tests. */
    timeLimitSecondsOverride: env.FL_TIME_LIMIT_SECONDS ? integer(env, 'FL_TIME_LIMIT_SECONDS', 0) : undefined,
    /** How long a remediation's verification session gives the commands to turn the SLA green (from its start). */
    verifyTimeLimitSeconds: integer(env, 'FL_VERIFY_TIME_LIMIT_SECONDS', 300),
    provisionTimeoutSeconds: integer(env, 'FL_PROVISION_TIMEOUT_SECONDS', 600),
    readyTimeoutSeconds: integer(env, 'FL_READY_TIMEOUT_SECONDS', 1800),
    slaPollSeconds: integer(env, 'FL_SLA_POLL_SECONDS', 2),
    /** The worker's prebuilt workflow bundle (used only while it matches the sources); `none`: bundle at start. */
    workflowBundle:
      env.FL_WORKFLOW_BUNDLE === 'none'
        ? undefined
        : resolve(ROOT, text(env, 'FL_WORKFLOW_BUNDLE', join(ROOT, 'worker/build/workflow-bundle.js'))),
    sla: slaConfig(env),
  };
}

export type Config = ReturnType<typeof loadConfig>;
