// What a sandbox's pods use on the real node, read from the kubelet's cgroup v1 tree (cgroupfs driver):
// kubepods[/burstable|/besteffort]/pod<uid> in the memory and cpuacct hierarchies. A pod's group holds all its
// containers (and its pause container), so its memory.stat `total_rss` is the pod's resident anonymous memory
// and its cpuacct.usage the CPU time all of them used.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import type { Kube } from '../../cluster/kube.ts';
import { LOAD_GENERATOR_NAME } from '../../cluster/labels.ts';

const CGROUP_ROOT = '/sys/fs/cgroup';

function podGroup(pod: V1Pod): string {
  const qos = pod.status?.qosClass;
  const tier = qos === 'Burstable' ? 'burstable/' : qos === 'BestEffort' ? 'besteffort/' : '';
  return `kubepods/${tier}pod${pod.metadata?.uid ?? ''}`;
}

/** Bytes of resident memory (memory.stat total_rss) of the pod's cgroup; undefined when it is not (yet) there. */
export function podRssBytes(pod: V1Pod): number | undefined {
  try {
    const stat = readFileSync(join(CGROUP_ROOT, 'memory', podGroup(pod), 'memory.stat'), 'utf8');
    const match = /^total_rss (\d+)$/m.exec(stat);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Nanoseconds of CPU the pod's containers used so far (cpuacct.usage). */
export function podCpuNanos(pod: V1Pod): number | undefined {
  try {
    return Number(readFileSync(join(CGROUP_ROOT, 'cpuacct', podGroup(pod), 'cpuacct.usage'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

export const isLoadGenerator = (pod: V1Pod) => pod.metadata?.labels?.['app.kubernetes.io/name'] === LOAD_GENERATOR_NAME;

export interface SandboxUsage {
  /** MiB of resident memory of the system's pods (the load generator not counted). */
  systemRssMiB: number;
  loadGeneratorRssMiB: number;
  /** The load generator's CPU over the interval, in % of one CPU. */
  loadGeneratorCpuPercent: number;
}

/** The namespace's running pods' memory now and the load generator's CPU over the next `intervalMs`. */
export async function sandboxUsage(kube: Kube, namespace: string, intervalMs: number): Promise<SandboxUsage> {
  const pods = (await kube.core.listNamespacedPod({ namespace })).items.filter((pod) => pod.status?.phase === 'Running');
  const generator = pods.find(isLoadGenerator);
  const before = generator ? podCpuNanos(generator) : undefined;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
  const after = generator ? podCpuNanos(generator) : undefined;
  const elapsedNs = (performance.now() - started) * 1e6;
  const mib = (selected: V1Pod[]) => selected.reduce((sum, pod) => sum + (podRssBytes(pod) ?? 0), 0) / 1024 ** 2;
  return {
    systemRssMiB: mib(pods.filter((pod) => !isLoadGenerator(pod))),
    loadGeneratorRssMiB: mib(generator ? [generator] : []),
    loadGeneratorCpuPercent: before !== undefined && after !== undefined ? ((after - before) / elapsedNs) * 100 : Number.NaN,
  };
}

/** Whether every Deployment in the namespace has all its replicas updated and Ready. */
export async function deploymentsReady(kube: Kube, namespace: string): Promise<boolean> {
  const deployments = (await kube.apps.listNamespacedDeployment({ namespace })).items;
  return (
    deployments.length > 0 &&
    deployments.every((deployment) => {
      const wanted = deployment.spec?.replicas ?? 1;
      return (deployment.status?.readyReplicas ?? 0) >= wanted && (deployment.status?.updatedReplicas ?? 0) >= wanted;
    })
  );
}
