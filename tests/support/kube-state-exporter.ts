// A tiny kube-state-metrics for the sim cluster: serves each Deployment's available and desired replicas
// in the Prometheus text format, read live from the apiserver at every scrape.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kube } from '../../cluster/kube.ts';

export async function startKubeStateExporter(kube: Kube): Promise<{ target: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    kube.apps.listDeploymentForAllNamespaces().then(
      (list) => {
        const lines = ['# TYPE kube_deployment_status_replicas_available gauge', '# TYPE kube_deployment_spec_replicas gauge'];
        for (const d of list.items) {
          const labels = `namespace="${d.metadata?.namespace}",deployment="${d.metadata?.name}"`;
          lines.push(`kube_deployment_status_replicas_available{${labels}} ${d.status?.availableReplicas ?? 0}`);
          lines.push(`kube_deployment_spec_replicas{${labels}} ${d.spec?.replicas ?? 0}`);
        }
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
      },
      () => res.writeHead(503).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
