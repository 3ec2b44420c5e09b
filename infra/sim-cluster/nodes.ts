// Fake nodes that kwok keeps alive: pods scheduled on them are reported Running and Ready.

/** Two simulated clouds for the multi-cloud system: node n belongs to cloud a when n is even, else to b. */
export const CLOUD_LABEL = 'topology.failurelib.dev/cloud';
export function cloudOf(name: string): 'a' | 'b' {
  return Number(/(\d+)$/.exec(name)?.[1] ?? 0) % 2 === 0 ? 'a' : 'b';
}

export function fakeNode(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
        [CLOUD_LABEL]: cloudOf(name),
      },
    },
    status: {
      allocatable: { cpu: '16', memory: '64Gi', pods: '110' },
      capacity: { cpu: '16', memory: '64Gi', pods: '110' },
      nodeInfo: { architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'fake', kubeProxyVersion: 'fake' },
    },
  };
}
