// Cluster DNS for the real node's pods: CoreDNS (built here, infra/images/coredns) as `kube-dns` in kube-system,
// at the Service address the kubelet gives every pod. It runs on the node's host network, bound to the node's
// bridge address only, because the sim apiserver listens on loopback alone (and the `kubernetes` Service has no
// endpoints): it reads Services with its own service account token through a kubeconfig that names loopback.
// It answers cluster names only: nothing is forwarded off the machine.
import { REAL_NODE_LABEL, REAL_NODE_NAME, REAL_NODE_NETWORK, REAL_NODE_TAINT, imageName } from './config.ts';

const NAMESPACE = 'kube-system';
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function clusterDnsObjects(apiServer: string): object[] {
  const { nodeIp, clusterDnsIp } = REAL_NODE_NETWORK;
  const labels = { 'k8s-app': 'kube-dns' };
  const corefile = `.:53 {
    bind ${nodeIp}
    errors
    health ${nodeIp}:8080
    ready ${nodeIp}:8181
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig /etc/coredns/kubeconfig failurelib
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 30
    loadbalance
}
`;
  const kubeconfig = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'failurelib',
    clusters: [{ name: 'sim', cluster: { server: apiServer, 'certificate-authority': `${SERVICE_ACCOUNT_DIR}/ca.crt` } }],
    users: [{ name: 'coredns', user: { tokenFile: `${SERVICE_ACCOUNT_DIR}/token` } }],
    contexts: [{ name: 'failurelib', context: { cluster: 'sim', user: 'coredns' } }],
  });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: NAMESPACE } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'failurelib:coredns' },
      rules: [
        { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'failurelib:coredns' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'failurelib:coredns' },
      subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: NAMESPACE }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: NAMESPACE }, data: { Corefile: corefile, kubeconfig } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: NAMESPACE, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        strategy: { type: 'Recreate' }, // one node, one host port 53
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: 'coredns',
            hostNetwork: true,
            dnsPolicy: 'Default',
            // The first node's: it binds that node's address (with pools, the second node has another).
            nodeSelector: { [REAL_NODE_LABEL.key]: REAL_NODE_LABEL.value, 'kubernetes.io/hostname': REAL_NODE_NAME },
            tolerations: [{ operator: 'Equal', ...REAL_NODE_TAINT }],
            containers: [
              {
                name: 'coredns',
                image: imageName('coredns'),
                imagePullPolicy: 'Never',
                args: ['-conf', '/etc/coredns/Corefile'],
                resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '128Mi' } },
                volumeMounts: [{ name: 'config', mountPath: '/etc/coredns', readOnly: true }],
                readinessProbe: { httpGet: { host: nodeIp, port: 8181, path: '/ready' }, periodSeconds: 2 },
                livenessProbe: { httpGet: { host: nodeIp, port: 8080, path: '/health' }, periodSeconds: 10, failureThreshold: 5 },
              },
            ],
            volumes: [{ name: 'config', configMap: { name: 'coredns' } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: NAMESPACE, labels },
      spec: {
        clusterIP: clusterDnsIp,
        selector: labels,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      },
    },
  ];
}
