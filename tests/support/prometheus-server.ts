// A real Prometheus (Debian's `prometheus` package) scraping one target every second, for SLA tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../infra/lib/ports.ts';
import { startProcess } from '../../infra/lib/processes.ts';

export interface PrometheusServer {
  url: string;
  stop(): Promise<void>;
}

export async function startPrometheus(
  scrapeTarget: string,
  binary = process.env.PROMETHEUS_BIN ?? 'prometheus',
): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fl-prometheus-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      `  - job_name: kube-state`,
      `    static_configs: [{ targets: ["${scrapeTarget}"] }]`,
    ].join('\n'),
  );
  const server = startProcess(
    'prometheus',
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { logFile: join(dir, 'prometheus.log') },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  for (let waited = 0; waited < 30_000; waited += 200) {
    if (server.child.exitCode !== null) break;
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, stop };
    await sleep(200);
  }
  await stop();
  throw new Error(`Prometheus did not become ready (is Debian's prometheus package installed? see infra/setup.sh --test)`);
}
