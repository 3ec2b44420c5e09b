// NetworkPolicy enforcement on the real node: kube-router's network policy controller (its firewall only; image
// built here, infra/images/kube-router) as a DaemonSet on the node's host network. For every pod it writes an
// iptables chain (KUBE-POD-FW-*) that runs the pod's traffic through the policies selecting it (KUBE-NWPLCY-*,
// with ipsets KUBE-SRC-*/KUBE-DST-* of the pods they allow), and REJECTs what no policy allows: a blocked
// connection is refused at once (ICMP port unreachable), as on a kube-router cluster. Its chains go with the
// node's other KUBE-* chains when the node stops (removeKubeChains), its ipsets with removeNetworkPolicyIpsets.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REAL_NODE_LABEL, REAL_NODE_NETWORK, REAL_NODE_TAINT, imageName } from './config.ts';

const run = promisify(execFile);
const NAMESPACE = 'kube-system';
/** The DaemonSet in kube-system (and its service account) that enforces NetworkPolicies on the node. */
export const NETWORK_POLICY_ENFORCER = 'kube-router';
/** The ipsets kube-router's policies use (IPv6 ones are prefixed `inet6:`), and only those. */
export const NETWORK_POLICY_IPSET = /^(inet6:)?KUBE-(SRC|DST)-/;

export function networkPolicyObjects(apiServer: string): object[] {
  const url = new URL(apiServer);
  const name = NETWORK_POLICY_ENFORCER;
  const labels = { app: name };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NAMESPACE } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `failurelib:${name}` },
      // Read only. kube-router starts informers for services and endpoints too, even with its service proxy off.
      rules: [
        { apiGroups: [''], resources: ['pods', 'namespaces', 'nodes', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `failurelib:${name}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `failurelib:${name}` },
      subjects: [{ kind: 'ServiceAccount', name, namespace: NAMESPACE }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace: NAMESPACE, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            hostNetwork: true,
            nodeSelector: { [REAL_NODE_LABEL.key]: REAL_NODE_LABEL.value },
            tolerations: [{ operator: 'Equal', ...REAL_NODE_TAINT }],
            containers: [
              {
                name,
                image: imageName('kube-router'),
                imagePullPolicy: 'Never',
                args: [
                  // The firewall only: the bridge CNI routes pods and kube-proxy serves Services.
                  '--run-firewall=true',
                  '--run-router=false',
                  '--run-service-proxy=false',
                  '--hostname-override=$(NODE_NAME)',
                  `--service-cluster-ip-range=${REAL_NODE_NETWORK.serviceCidr}`,
                  // No health or metrics listener on the machine's interfaces.
                  '--health-port=0',
                  '--metrics-port=0',
                  '--v=1',
                ],
                // In-cluster config, pointed at the sim apiserver on loopback (the `kubernetes` Service has no endpoints).
                env: [
                  { name: 'KUBERNETES_SERVICE_HOST', value: url.hostname },
                  { name: 'KUBERNETES_SERVICE_PORT', value: url.port || '443' },
                  { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                ],
                resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '256Mi' } },
                // Not privileged: the sim apiserver allows no privileged pods (participants could escape to the node).
                // NET_ADMIN is what iptables and ipset need.
                securityContext: { capabilities: { add: ['NET_ADMIN'] } },
              },
            ],
          },
        },
      },
    },
  ];
}

/** kube-router's ipsets on the machine (none when `ipset` is not installed). */
export async function networkPolicyIpsets(): Promise<string[]> {
  const names = await run('ipset', ['list', '-n']).then(
    (result) => result.stdout,
    () => '',
  );
  return names.split('\n').filter((name) => NETWORK_POLICY_IPSET.test(name));
}

/** Destroys kube-router's ipsets; the iptables rules that use them must be gone first (removeKubeChains). */
export async function removeNetworkPolicyIpsets(): Promise<void> {
  for (const name of await networkPolicyIpsets()) await run('ipset', ['destroy', name]).catch(() => {});
}
