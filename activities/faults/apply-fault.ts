// The fault engine: applies a fault from the library to a sandbox and confirms from cluster state that it took.
import type { Fault } from '../../scenarios/lib/schema.ts';
import { ignoreNotFound, type Kube } from '../cluster/kube.ts';

export class FaultTargetMissingError extends Error {}

export async function applyFault(kube: Kube, namespace: string, fault: Fault): Promise<string> {
  switch (fault.type) {
    case 'scale-to-zero': {
      const name = fault.args.deployment;
      const deployment = await ignoreNotFound(kube.apps.readNamespacedDeployment({ name, namespace }));
      if (!deployment) throw new FaultTargetMissingError(`deployment ${name} not found in ${namespace}`);
      await kube.apps.replaceNamespacedDeploymentScale({ name, namespace, body: { metadata: { name, namespace }, spec: { replicas: 0 } } });
      return `scaled deployment/${name} to 0 replicas`;
    }
  }
}

/** True once the fault's effect is visible in cluster state. */
export async function faultTookEffect(kube: Kube, namespace: string, fault: Fault): Promise<boolean> {
  switch (fault.type) {
    case 'scale-to-zero': {
      const deployment = await ignoreNotFound(kube.apps.readNamespacedDeployment({ name: fault.args.deployment, namespace }));
      return (deployment?.spec?.replicas ?? 0) === 0 && (deployment?.status?.availableReplicas ?? 0) === 0;
    }
  }
}

/** Undoes a fault; the system's own manifests say what "healthy" was. */
export async function revertFault(kube: Kube, namespace: string, fault: Fault): Promise<string> {
  switch (fault.type) {
    case 'scale-to-zero': {
      const name = fault.args.deployment;
      await kube.apps.replaceNamespacedDeploymentScale({ name, namespace, body: { metadata: { name, namespace }, spec: { replicas: 1 } } });
      return `scaled deployment/${name} back to 1 replica`;
    }
  }
}
