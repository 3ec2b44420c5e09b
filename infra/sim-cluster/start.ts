// The embedded simulated cluster: etcd + kube-apiserver + controller-manager + scheduler (real binaries)
// and kwok faking nodes and pod status. kubectl works against it; pods do not really run.
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'node:https';
import { startProcess, waitUntil, type ManagedProcess } from '../lib/processes.ts';
import { requireTool } from '../lib/tools.ts';
import { ensureCredentials } from './credentials.ts';
import { FRONT_PROXY_CLIENT_NAME, ensureClusterCertificates, type ClusterCertificates } from './cluster-pki.ts';
import { writeKubeconfig } from '../../cluster/kubeconfig.ts';
import { fakeNode } from './nodes.ts';

export interface SimClusterOptions {
  dataDir: string;
  apiPort: number;
  etcdPort: number;
  etcdPeerPort: number;
  nodeCount?: number;
  onProgress?: (message: string) => void;
}

export interface SimCluster {
  server: string;
  kubeconfigPath: string;
  /** The cluster's CA and the certificates it signed for a real node and its metrics-server (cluster-pki.ts). */
  certificates: ClusterCertificates;
  adminToken: string;
  caData: string;
  stop(): Promise<void>;
}

export async function startSimCluster(options: SimClusterOptions): Promise<SimCluster> {
  const { dataDir, apiPort, etcdPort, etcdPeerPort, nodeCount = 3 } = options;
  const progress = options.onProgress ?? (() => {});
  const logs = join(dataDir, 'logs');
  const certDir = join(dataDir, 'pki');
  mkdirSync(certDir, { recursive: true });
  const credentials = ensureCredentials(join(dataDir, 'credentials'));
  const certificates = await ensureClusterCertificates(join(dataDir, 'credentials'));
  const server = `https://127.0.0.1:${apiPort}`;
  const started: ManagedProcess[] = [];
  const stop = async () => {
    for (const child of started.reverse()) await child.stop();
  };

  try {
    progress('starting etcd');
    const etcd = startProcess(
      'etcd',
      requireTool('etcd'),
      [
        '--name',
        'failurelib',
        '--data-dir',
        join(dataDir, 'etcd'),
        '--listen-client-urls',
        `http://127.0.0.1:${etcdPort}`,
        '--advertise-client-urls',
        `http://127.0.0.1:${etcdPort}`,
        '--listen-peer-urls',
        `http://127.0.0.1:${etcdPeerPort}`,
        '--initial-advertise-peer-urls',
        `http://127.0.0.1:${etcdPeerPort}`,
        '--initial-cluster',
        `failurelib=http://127.0.0.1:${etcdPeerPort}`,
        '--quota-backend-bytes',
        String(2 * 1024 ** 3),
        '--log-level',
        'warn',
      ],
      { logFile: join(logs, 'etcd.log'), env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.arch === 'x64' ? '' : process.arch } },
    );
    started.push(etcd);
    // Bounded: a port taken by another program may accept and never answer, and the exit check runs between tries.
    await waitUntil('etcd', async () => (await fetch(`http://127.0.0.1:${etcdPort}/health`, { signal: AbortSignal.timeout(2000) })).ok, {
      process: etcd,
      timeoutMs: 30_000,
    });

    progress('starting kube-apiserver');
    const apiserver = startProcess(
      'kube-apiserver',
      requireTool('kube-apiserver'),
      [
        `--etcd-servers=http://127.0.0.1:${etcdPort}`,
        `--secure-port=${apiPort}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--cert-dir=${certDir}`,
        `--token-auth-file=${credentials.tokenFile}`,
        '--authorization-mode=RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${credentials.serviceAccountPublicKey}`,
        `--service-account-signing-key-file=${credentials.serviceAccountPrivateKey}`,
        '--service-cluster-ip-range=10.96.0.0/16',
        '--endpoint-reconciler-type=none',
        // A real node (infra/real-node) is reached by its InternalIP (there is no DNS for node names here), with a
        // client certificate its kubelet trusts; namespaces can send their pods to it (PodNodeSelector and
        // PodTolerationRestriction act only on namespaces annotated for it).
        '--kubelet-preferred-address-types=InternalIP,Hostname',
        `--kubelet-client-certificate=${certificates.kubeletClient.certFile}`,
        `--kubelet-client-key=${certificates.kubeletClient.keyFile}`,
        // The aggregation layer (metrics.k8s.io from a real node's metrics-server): the apiserver proxies to an
        // APIService's endpoint (no kube-proxy on the host for Service IPs) with a front-proxy client certificate.
        `--requestheader-client-ca-file=${certificates.caFile}`,
        `--requestheader-allowed-names=${FRONT_PROXY_CLIENT_NAME}`,
        '--requestheader-username-headers=X-Remote-User',
        '--requestheader-group-headers=X-Remote-Group',
        '--requestheader-extra-headers-prefix=X-Remote-Extra-',
        `--proxy-client-cert-file=${certificates.frontProxyClient.certFile}`,
        `--proxy-client-key-file=${certificates.frontProxyClient.keyFile}`,
        '--enable-aggregator-routing=true',
        '--enable-admission-plugins=PodNodeSelector,PodTolerationRestriction',
        '--enable-priority-and-fairness=false',
        '--profiling=false',
        '--v=1',
      ],
      { logFile: join(logs, 'kube-apiserver.log') },
    );
    started.push(apiserver);
    await waitUntil('kube-apiserver', () => readyz(server, credentials.adminToken), { process: apiserver, timeoutMs: 90_000 });
    const caData = readFileSync(join(certDir, 'apiserver.crt'), 'utf8');
    const kubeconfigPath = join(dataDir, 'admin.kubeconfig');
    writeKubeconfig(kubeconfigPath, { server, caData, token: credentials.adminToken, user: 'failurelib-admin' });

    progress('starting controller-manager, scheduler and kwok');
    started.push(
      startProcess(
        'kube-controller-manager',
        requireTool('kube-controller-manager'),
        [
          `--kubeconfig=${kubeconfigPath}`,
          `--authentication-kubeconfig=${kubeconfigPath}`,
          `--authorization-kubeconfig=${kubeconfigPath}`,
          `--service-account-private-key-file=${credentials.serviceAccountPrivateKey}`,
          `--root-ca-file=${join(certDir, 'apiserver.crt')}`,
          '--bind-address=127.0.0.1',
          '--secure-port=0',
          '--leader-elect=false',
          '--controllers=*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service-lb-controller,-persistentvolume-binder,-attachdetach,-persistentvolume-expander,-ephemeral-volume,-csrsigning,-bootstrapsigner,-tokencleaner',
          '--concurrent-deployment-syncs=10',
          '--concurrent-replicaset-syncs=10',
          '--v=1',
        ],
        { logFile: join(logs, 'kube-controller-manager.log') },
      ),
    );
    started.push(
      startProcess(
        'kube-scheduler',
        requireTool('kube-scheduler'),
        [
          `--kubeconfig=${kubeconfigPath}`,
          `--authentication-kubeconfig=${kubeconfigPath}`,
          `--authorization-kubeconfig=${kubeconfigPath}`,
          '--bind-address=127.0.0.1',
          '--secure-port=0',
          '--leader-elect=false',
          '--v=1',
        ],
        { logFile: join(logs, 'kube-scheduler.log') },
      ),
    );
    started.push(
      startProcess(
        'kwok',
        requireTool('kwok'),
        [
          `--kubeconfig=${kubeconfigPath}`,
          `--config=${join(import.meta.dirname, 'kwok-stages.yaml')}`,
          '--manage-all-nodes=false',
          '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
          '--cidr=10.244.0.0/16',
          '--node-ip=10.0.0.1',
          '--node-lease-duration-seconds=40',
        ],
        { logFile: join(logs, 'kwok.log') },
      ),
    );

    for (let index = 0; index < nodeCount; index += 1) {
      await applyJson(server, credentials.adminToken, '/api/v1/nodes', fakeNode(`kwok-node-${index}`));
    }
    progress('waiting for nodes to be Ready');
    await waitUntil(
      'kwok nodes Ready',
      async () => {
        const list = (await getJson(server, credentials.adminToken, '/api/v1/nodes')) as {
          items: { status?: { conditions?: { type: string; status: string }[] } }[];
        };
        const ready = list.items.filter((node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        return ready.length >= nodeCount;
      },
      { timeoutMs: 60_000 },
    );
    // The node-lifecycle controller (disabled: kwok nodes have no kubelet) would lift this taint. The labels
    // are set again so nodes kept in an older data dir gain labels added since (e.g. the cloud pools).
    for (let index = 0; index < nodeCount; index += 1) {
      const { labels } = fakeNode(`kwok-node-${index}`).metadata;
      const { status, text } = await call(
        server,
        credentials.adminToken,
        `/api/v1/nodes/kwok-node-${index}`,
        'PATCH',
        { metadata: { labels }, spec: { taints: null } },
        'application/merge-patch+json',
      );
      if (status !== 200) throw new Error(`untainting kwok-node-${index}: ${status} ${text}`);
    }
    return { server, kubeconfigPath, certificates, adminToken: credentials.adminToken, caData, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// The apiserver's certificate is self-signed until the CA file exists, so readiness checks skip verification.
const insecureAgent = new Agent({ rejectUnauthorized: false });

function call(
  server: string,
  token: string,
  path: string,
  method = 'GET',
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${server}${path}`,
      {
        method,
        agent: insecureAgent,
        headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': contentType } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function readyz(server: string, token: string): Promise<boolean> {
  return (await call(server, token, '/readyz')).status === 200;
}

async function getJson(server: string, token: string, path: string): Promise<unknown> {
  const { status, text } = await call(server, token, path);
  if (status !== 200) throw new Error(`GET ${path}: ${status} ${text}`);
  return JSON.parse(text);
}

async function applyJson(server: string, token: string, path: string, object: { metadata: { name: string } }): Promise<void> {
  const { status, text } = await call(server, token, path, 'POST', object);
  if (status !== 201 && status !== 409) throw new Error(`POST ${path}: ${status} ${text}`);
}
