// NetworkPolicy enforcement on the real node: kube-network-policies (sigs.k8s.io, what kind uses; image built
// here, infra/images/network-policies) as a DaemonSet on the node's host network. It queues the first packet of
// each connection of a pod that a policy selects to user space (nfqueue) and lets the connection through or
// drops it there. Its nftables table (`inet kube-network-policies`) is removed when the node stops.
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { REAL_NODE_LABEL, REAL_NODE_NETWORK, REAL_NODE_TAINT, imageName } from './config.ts';

const NAMESPACE = 'kube-system';
export const NETWORK_POLICY_TABLE = { family: 'inet', name: 'kube-network-policies' } as const;

export function networkPolicyObjects(apiServer: string): object[] {
  const url = new URL(apiServer);
  const labels = { app: 'kube-network-policies' };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kube-network-policies', namespace: NAMESPACE } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'failurelib:kube-network-policies' },
      rules: [
        { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'failurelib:kube-network-policies' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'failurelib:kube-network-policies' },
      subjects: [{ kind: 'ServiceAccount', name: 'kube-network-policies', namespace: NAMESPACE }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-network-policies', namespace: NAMESPACE, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: 'kube-network-policies',
            hostNetwork: true,
            nodeSelector: { [REAL_NODE_LABEL.key]: REAL_NODE_LABEL.value },
            tolerations: [{ operator: 'Equal', ...REAL_NODE_TAINT }],
            containers: [
              {
                name: 'netpol',
                image: imageName('network-policies'),
                imagePullPolicy: 'Never',
                args: [
                  '--hostname-override=$(NODE_NAME)',
                  `--metrics-bind-address=${REAL_NODE_NETWORK.nodeIp}:9080`,
                  // containerd 1.6 has no NRI; kernels >= 6.12 do not need the DNS race workaround.
                  '--disable-nri',
                  '--netfilter-bug-1766-fix=false',
                  '--v=1',
                ],
                // In-cluster config, pointed at the sim apiserver on loopback (the `kubernetes` Service has no endpoints).
                env: [
                  { name: 'KUBERNETES_SERVICE_HOST', value: url.hostname },
                  { name: 'KUBERNETES_SERVICE_PORT', value: url.port || '443' },
                  { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                ],
                resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '128Mi' } },
                // Not privileged: the sim apiserver allows no privileged pods (participants could escape to the node).
                securityContext: { capabilities: { add: ['NET_ADMIN'] } },
              },
            ],
          },
        },
      },
    },
  ];
}

/**
 * Whether the kernel has nftables' `queue` expression, which kube-network-policies needs. This project's VMs are
 * built without it (`# CONFIG_NFT_QUEUE is not set`: rules fail with `netlink receive: no such file or directory`);
 * Debian's and most distributions' kernels have it. Unknown (no kernel config to read) counts as yes.
 */
export function kernelCanQueueToUserspace(): boolean {
  const config = existsSync('/proc/config.gz')
    ? gunzipSync(readFileSync('/proc/config.gz')).toString()
    : existsSync(`/boot/config-${release()}`)
      ? readFileSync(`/boot/config-${release()}`, 'utf8')
      : undefined;
  return config === undefined || /^CONFIG_NFT_QUEUE=[ym]$/m.test(config);
}
