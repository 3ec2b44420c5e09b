// Starts the whole Failure Library on its embedded defaults and stops all of it on Ctrl-C, SIGTERM or SIGHUP
// (infra/stack/supervisor.ts): Temporal dev server, database (PGlite, or DATABASE_URL), the simulated cluster,
// real node when the machine can (infra/stack/cluster-kinds.ts), worker, API (with the kube gateway), website.
import { join } from 'node:path';
import { loadConfig } from '../../config/config.ts';
import { migrateDatabase } from '../../db/client.ts';
import { startEmbeddedDatabase } from '../db/pglite-server.ts';
import { waitUntil, type ManagedProcess } from '../lib/processes.ts';
import { startSimCluster } from '../sim-cluster/start.ts';
import { startCollector } from '../otel-collector/collector.ts';
import { startRealNode } from '../real-node/node.ts';
import { realNodeUnavailable } from '../real-node/availability.ts';
import { chooseRealNode, sandboxPlacement } from './cluster-kinds.ts';
import { defaultTemporalPaths, startTemporalDevServer } from '../temporal/dev-server.ts';
import { ROOT } from '../lib/tools.ts';
import { isPortOpen } from '../lib/ports.ts';
import { assertAvailable } from '../../cluster/cluster-per-session.ts';
import { describeMode, prepareWorkflowsAndWebsite, stackMode, websiteArgs } from './mode.ts';
import { Supervisor } from './supervisor.ts';

const config = loadConfig();
const mode = stackMode(process.argv.slice(2));
const logs = join(config.dataDir, 'logs');
const t0 = Date.now();
const say = (message: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);
// Installed before anything starts: a signal at any moment stops whatever has started so far.
const supervisor = new Supervisor({ logDir: logs, say, recordFile: join(config.dataDir, 'stack-processes.json') });

function child(name: string, args: string[], env: NodeJS.ProcessEnv): ManagedProcess {
  return supervisor.spawn(name, process.execPath, args, { env, cwd: ROOT });
}

async function ensurePortsFree(): Promise<void> {
  const ports = [
    Number(config.temporalAddress.split(':').at(-1)),
    config.temporalUiPort,
    config.apiPort,
    config.webPort,
    config.gatewayPort,
    ...(config.databaseUrl ? [] : [config.pgliteSocketPort]),
    ...(config.clusterDriver === 'sim' ? [config.simApiPort, config.simEtcdPort, config.simEtcdPeerPort] : []),
  ];
  const busy = [];
  for (const port of ports) if (await isPortOpen(port)) busy.push(port);
  if (busy.length > 0)
    throw new Error(`ports already in use: ${busy.join(', ')} (is another stack running? stop it, or set the *_PORT keys of .env.example)`);
}

function describePlacement(placement: string, node: string | undefined): string {
  if (config.clusterDriver !== 'sim' && config.clusterDriver !== 'namespace') return 'each in a cluster of its own';
  if (placement === 'real') return `real containers on the real node${node ? ` ${node}` : ''} (FL_REAL_NODE=0: the simulation)`;
  return config.clusterDriver === 'sim'
    ? 'simulated pods on kwok nodes (no process runs: see the README, "Two kinds of cluster")'
    : 'where the scheduler puts them';
}

try {
  // kind and vcluster need tools the stack does not bring: say what is missing before starting anything.
  if (config.clusterDriver === 'kind' || config.clusterDriver === 'vcluster') assertAvailable(config.clusterDriver);
  await supervisor.stopLeftovers();
  await ensurePortsFree();
  say(`mode ${describeMode(mode)}`);
  // Decided before anything starts: FL_REAL_NODE=1 on a machine that cannot, or FL_SANDBOX_PLACEMENT=real without
  // a real node, stops here.
  const realNode = chooseRealNode(config, realNodeUnavailable);
  say(realNode.message);
  const placement = sandboxPlacement(config, {
    explicit: (process.env.FL_SANDBOX_PLACEMENT ?? '') !== '',
    realNodeRunning: realNode.start,
  });
  await prepareWorkflowsAndWebsite(mode, say);
  say('starting Temporal dev server');
  const temporalPort = Number(config.temporalAddress.split(':').at(-1));
  const temporal = await startTemporalDevServer({
    port: temporalPort,
    uiPort: config.temporalUiPort,
    ...defaultTemporalPaths(config.dataDir),
  });
  supervisor.add('Temporal dev server', temporal.stop);

  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    say('starting embedded database (PGlite)');
    const embedded = await startEmbeddedDatabase({ dataDir: join(config.dataDir, 'pglite'), port: config.pgliteSocketPort });
    supervisor.add('embedded database', embedded.stop);
    databaseUrl = embedded.url;
  }
  await migrateDatabase(databaseUrl);
  say('database migrated');

  let realNodeName: string | undefined;
  if (config.clusterDriver === 'sim') {
    const cluster = await startSimCluster({
      dataDir: join(config.dataDir, 'sim-cluster'),
      apiPort: config.simApiPort,
      etcdPort: config.simEtcdPort,
      etcdPeerPort: config.simEtcdPeerPort,
      onProgress: (message) => say(`sim cluster: ${message}`),
    });
    supervisor.add('sim cluster', cluster.stop);
    if (realNode.start) {
      const node = await startRealNode({
        dataDir: join(config.dataDir, 'real-node'),
        kubeconfigPath: cluster.kubeconfigPath,
        certificates: cluster.certificates,
        pools: [...config.realNodePools],
        onProgress: (message) => say(`real node: ${message}`),
      });
      supervisor.add('real node', node.stop);
      say(`real node ${node.name} Ready in ${node.readySeconds.toFixed(1)} s (logs in ${node.layout.logs})`);
      realNodeName = node.name;
      if (config.sla.sumo.otlpUrl) {
        // The sandboxes' container logs and the worker's SLI series to Sumo Logic's OTLP/HTTP source.
        const collector = await startCollector({
          podLogsDir: node.layout.podLogsDir,
          exportUrl: config.sla.sumo.otlpUrl,
          otlpPort: Number(new URL(config.sla.sumo.collectorOtlpUrl).port),
          dir: join(config.dataDir, 'otel-collector'),
          progress: (message) => say(`telemetry collector: ${message}`),
        });
        supervisor.add('telemetry collector', collector.stop);
        say(`telemetry collector: ${node.layout.podLogsDir} and SLI series on ${collector.otlpUrl} to Sumo Logic`);
      }
      if (node.secondNode) say(`real node ${node.secondNode.name} (pool b) Ready (logs in ${node.secondNode.layout.logs})`);
    }
  }

  const env = { ...process.env, DATABASE_URL: databaseUrl, FL_KUBECONFIG: config.kubeconfig, FL_SANDBOX_PLACEMENT: placement };
  say('starting worker, API and website');
  child('worker', ['worker/main.ts'], env);
  const api = child('api', ['api/main.ts'], env);
  const apiUrl = `http://${config.apiHost}:${config.apiPort}`;
  const web = child('web', websiteArgs(mode, ROOT), { ...env, API_URL: apiUrl, PUBLIC_API_URL: apiUrl });
  await waitUntil('API', async () => (await fetch(`${apiUrl}/api/health`)).ok, { process: api, timeoutMs: 60_000, intervalMs: 500 });
  const webUrl = `http://127.0.0.1:${config.webPort}`;
  await waitUntil('website', async () => (await fetch(webUrl)).status < 500, { process: web, timeoutMs: 60_000, intervalMs: 500 });

  say('the Failure Library is up');
  console.log(`
  Mode          ${describeMode(mode)}
  Website       ${webUrl}
  API           ${apiUrl}   (OpenAPI: ${apiUrl}/api/docs/json)
  Kube gateway  ${config.gatewayPublicUrl ?? `https://127.0.0.1:${config.gatewayPort}`}   (participants' kubeconfigs; CA in ${join(config.dataDir, 'gateway', 'ca.crt')})
  Temporal UI   ${temporal.uiUrl}   (frontend ${temporal.address})
  Database      ${config.databaseUrl ? 'DATABASE_URL' : `embedded PGlite at ${databaseUrl}`}
  Cluster       ${config.clusterDriver}: ${config.clusterDriver === 'kind' ? 'a kind cluster per session' : `KUBECONFIG=${config.kubeconfig}`}
  Sandboxes     ${describePlacement(placement, realNodeName)}
  Logs          ${logs}

  Ctrl-C stops everything.`);
} catch (error) {
  console.error(`could not start the stack: ${error instanceof Error ? error.message : String(error)}`);
  await supervisor.stopAll(1);
}
