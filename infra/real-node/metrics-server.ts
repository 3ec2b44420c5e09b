// `kubectl top` for the real node: metrics-server (built here, infra/images/metrics-server) behind the
// metrics.k8s.io APIService. Like CoreDNS it runs on the node's host network, bound to the node's bridge address:
// it reads the API through a kubeconfig that names loopback, where the sim apiserver listens, and the apiserver
// reaches it there (aggregator routing to the endpoint). It scrapes only the real node's kubelet (kwok nodes have
// none), checking the kubelet's certificate against the cluster's CA and showing a client certificate of it.
// An APIService that does not answer blocks every namespace deletion (the namespace controller must discover every
// group first), so the node keeps it registered only while metrics-server answers (metricsApiGuard).
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import type { ClusterCertificates } from '../sim-cluster/cluster-pki.ts';
import { REAL_NODE_LABEL, REAL_NODE_NAME, REAL_NODE_NETWORK, REAL_NODE_TAINT, imageName } from './config.ts';

const NAMESPACE = 'kube-system';
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const METRICS_SERVER_PORT = 4443;
export const METRICS_API_SERVICE = 'v1beta1.metrics.k8s.io';

export function metricsServerObjects(apiServer: string, certificates: ClusterCertificates): object[] {
  const labels = { 'k8s-app': 'metrics-server' };
  const read = (file: string) => Buffer.from(readFileSync(file)).toString('base64');
  const kubeconfig = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'failurelib',
    clusters: [{ name: 'sim', cluster: { server: apiServer, 'certificate-authority': `${SERVICE_ACCOUNT_DIR}/ca.crt` } }],
    users: [{ name: 'metrics-server', user: { tokenFile: `${SERVICE_ACCOUNT_DIR}/token` } }],
    contexts: [{ name: 'failurelib', context: { cluster: 'sim', user: 'metrics-server' } }],
  });
  const subject = { kind: 'ServiceAccount', name: 'metrics-server', namespace: NAMESPACE };
  const rbac = 'rbac.authorization.k8s.io';
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'metrics-server', namespace: NAMESPACE } },
    {
      // Who may read pod and node metrics: whoever may view (the sandboxes' `edit` binding included).
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRole',
      metadata: {
        name: 'system:aggregated-metrics-reader',
        labels: {
          [`${rbac}/aggregate-to-view`]: 'true',
          [`${rbac}/aggregate-to-edit`]: 'true',
          [`${rbac}/aggregate-to-admin`]: 'true',
        },
      },
      rules: [{ apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'system:metrics-server' },
      rules: [
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:metrics-server' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'system:metrics-server' },
      subjects: [subject],
    },
    {
      // Checks the callers of the metrics API (SubjectAccessReview), as every aggregated API server does.
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'metrics-server:system:auth-delegator' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [subject],
    },
    {
      // Reads the front proxy's CA and allowed names (the apiserver's --requestheader-* flags).
      apiVersion: `${rbac}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'metrics-server-auth-reader', namespace: NAMESPACE },
      roleRef: { apiGroup: rbac, kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      subjects: [subject],
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'metrics-server-certs', namespace: NAMESPACE },
      type: 'Opaque',
      data: {
        'ca.crt': read(certificates.caFile),
        'tls.crt': read(certificates.metricsServerServing.certFile),
        'tls.key': read(certificates.metricsServerServing.keyFile),
        'kubelet-client.crt': read(certificates.metricsServerClient.certFile),
        'kubelet-client.key': read(certificates.metricsServerClient.keyFile),
      },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'metrics-server', namespace: NAMESPACE }, data: { kubeconfig } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'metrics-server', namespace: NAMESPACE, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        strategy: { type: 'Recreate' }, // one node, one host port
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: 'metrics-server',
            hostNetwork: true,
            dnsPolicy: 'Default',
            // The first node's: it binds that node's address (with pools, the second node has another).
            nodeSelector: { [REAL_NODE_LABEL.key]: REAL_NODE_LABEL.value, 'kubernetes.io/hostname': REAL_NODE_NAME },
            tolerations: [{ operator: 'Equal', ...REAL_NODE_TAINT }],
            containers: [
              {
                name: 'metrics-server',
                image: imageName('metrics-server'),
                imagePullPolicy: 'Never',
                args: [
                  `--bind-address=${REAL_NODE_NETWORK.nodeIp}`,
                  `--secure-port=${METRICS_SERVER_PORT}`,
                  '--tls-cert-file=/certs/tls.crt',
                  '--tls-private-key-file=/certs/tls.key',
                  '--kubeconfig=/etc/metrics-server/kubeconfig',
                  '--authentication-kubeconfig=/etc/metrics-server/kubeconfig',
                  '--authorization-kubeconfig=/etc/metrics-server/kubeconfig',
                  `--node-selector=${REAL_NODE_LABEL.key}=${REAL_NODE_LABEL.value}`,
                  '--kubelet-preferred-address-types=InternalIP',
                  '--kubelet-use-node-status-port',
                  '--kubelet-certificate-authority=/certs/ca.crt',
                  '--kubelet-client-certificate=/certs/kubelet-client.crt',
                  '--kubelet-client-key=/certs/kubelet-client.key',
                  '--metric-resolution=10s',
                  '--kubelet-request-timeout=5s',
                ],
                resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '160Mi' } },
                volumeMounts: [
                  { name: 'certs', mountPath: '/certs', readOnly: true },
                  { name: 'config', mountPath: '/etc/metrics-server', readOnly: true },
                ],
                readinessProbe: {
                  httpGet: { host: REAL_NODE_NETWORK.nodeIp, port: METRICS_SERVER_PORT, path: '/livez', scheme: 'HTTPS' },
                  periodSeconds: 2,
                },
              },
            ],
            volumes: [
              { name: 'certs', secret: { secretName: 'metrics-server-certs' } },
              { name: 'config', configMap: { name: 'metrics-server' } },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'metrics-server', namespace: NAMESPACE, labels },
      spec: { selector: labels, ports: [{ name: 'https', port: 443, targetPort: METRICS_SERVER_PORT, protocol: 'TCP' }] },
    },
  ];
}

/** The metrics.k8s.io APIService: registered by metricsApiGuard only while metrics-server answers. */
export function metricsApiService(certificates: ClusterCertificates): object {
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: METRICS_API_SERVICE },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      service: { name: 'metrics-server', namespace: NAMESPACE, port: 443 },
      caBundle: Buffer.from(readFileSync(certificates.caFile)).toString('base64'),
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  };
}

/** Whether metrics-server answers on the node's address (its /livez needs no credentials). */
export function metricsServerAnswers(caFile: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: REAL_NODE_NETWORK.nodeIp,
        port: METRICS_SERVER_PORT,
        path: '/livez',
        servername: 'metrics-server.kube-system.svc',
        agent: new Agent({ ca: readFileSync(caFile), keepAlive: false }),
        timeout: 2000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export interface MetricsApiGuardOptions {
  kubectl(args: string[]): Promise<string>;
  /** A file with the APIService (metricsApiService) to apply. */
  apiServiceFile: string;
  caFile: string;
  progress(message: string): void;
  intervalMs?: number;
}

/**
 * Keeps the metrics.k8s.io APIService registered while metrics-server answers and removes it while it does not,
 * so namespace deletion never waits for a metrics API that is gone (a dead node, metrics-server crashing). Returns
 * the stop function, which also removes the APIService (the node is going away).
 */
export function metricsApiGuard(options: MetricsApiGuardOptions): () => Promise<void> {
  const { kubectl, apiServiceFile, caFile, progress, intervalMs = 2000 } = options;
  let registered: boolean | undefined;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  const check = async () => {
    const answers = await metricsServerAnswers(caFile);
    if (stopping || answers === registered) return;
    try {
      if (answers) await kubectl(['apply', '-f', apiServiceFile]);
      else await kubectl(['delete', 'apiservice', METRICS_API_SERVICE, '--ignore-not-found', '--wait=false']);
      if (answers || registered !== undefined)
        progress(answers ? 'metrics API registered' : 'metrics-server does not answer: metrics API removed');
      registered = answers;
    } catch (error) {
      progress(`metrics API: ${String(error)}`);
    }
  };
  const loop = () => {
    pass = check().finally(() => {
      if (!stopping) timer = setTimeout(loop, intervalMs);
    });
  };
  loop();
  return async () => {
    stopping = true;
    clearTimeout(timer);
    await pass;
    await kubectl(['delete', 'apiservice', METRICS_API_SERVICE, '--ignore-not-found', '--wait=false']).catch(() => {});
  };
}
