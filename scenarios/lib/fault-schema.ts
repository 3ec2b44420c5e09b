// The faults the engine can inject, each with typed arguments. One member per fault type; the engine has
// one handler per type in activities/faults/ (the registry checks at compile time that none is missing).
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const Name = Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 });
export const Labels = Type.Record(Type.String({ minLength: 1 }), Type.String(), { minProperties: 1 });
const Quantity = Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|Ki|Mi|Gi)?$', description: 'a Kubernetes quantity, e.g. 100m or 64Mi' });
const strict = { additionalProperties: false } as const;

/** Who the change looks like it came from in managedFields (e.g. `deploy-bot`); default: the tool of the fault's story. */
const FieldManager = Type.String({ pattern: '^[A-Za-z0-9][-A-Za-z0-9_.]*$', maxLength: 128 });

function fault<T extends string, A extends TSchema>(type: T, description: string, args: A) {
  return Type.Object({ type: Type.Literal(type), args, fieldManager: Type.Optional(FieldManager) }, { ...strict, description });
}

/** A Deployment's container; the first container when `container` is omitted. */
const container = { deployment: Name, container: Type.Optional(Name) };

export const FaultSchema = Type.Union([
  fault('scale-to-zero', 'Sets the Deployment to zero replicas.', Type.Object({ deployment: Name }, strict)),
  fault('service-selector-mismatch', "Replaces the Service's selector so it matches no (or the wrong) pods.",
    Type.Object({ service: Name, selector: Labels }, strict)),
  fault('wrong-target-port', "Points a Service port's targetPort at a port the pods do not listen on.",
    Type.Object({ service: Name, port: Type.Optional(Name), targetPort: Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), Name]) }, strict)),
  fault('nonexistent-image', "Rolls the Deployment's container to an image that is not in the registry.",
    Type.Object({ ...container, image: Type.String({ minLength: 1 }) }, strict)),
  fault('env-var-changed', "Sets an environment variable of the Deployment's container to a wrong value.",
    Type.Object({ ...container, name: Type.String({ minLength: 1 }), value: Type.String() }, strict)),
  fault('secret-credentials-corrupted', 'Overwrites a key of a Secret and rolls the Deployment that reads it (as a Helm upgrade does: checksum annotation).',
    Type.Object({ secret: Name, key: Type.String({ minLength: 1 }), value: Type.String(), deployment: Name }, strict)),
  fault('configmap-broken', 'Overwrites a key of a ConfigMap and rolls the Deployment that reads it (checksum annotation).',
    Type.Object({ configMap: Name, key: Type.String({ minLength: 1 }), value: Type.String(), deployment: Name }, strict)),
  fault('liveness-probe-too-aggressive', 'Gives the container a liveness probe that fails before the application has started.',
    Type.Object({
      ...container,
      initialDelaySeconds: Type.Integer({ minimum: 0, default: 0 }),
      periodSeconds: Type.Integer({ minimum: 1, default: 2 }),
      failureThreshold: Type.Integer({ minimum: 1, default: 1 }),
      timeoutSeconds: Type.Integer({ minimum: 1, default: 1 }),
    }, strict)),
  fault('cpu-limit-throttling', "Lowers the container's CPU limit below what it needs: it is throttled and fails its readiness checks.",
    Type.Object({ ...container, cpu: Quantity }, strict)),
  fault('memory-limit-oom', "Lowers the container's memory limit below what it needs: it is OOM-killed on start.",
    Type.Object({ ...container, memory: Quantity }, strict)),
  fault('network-policy-deny', 'Creates a NetworkPolicy that admits ingress to the selected pods only on `allowPorts` (none: deny all).',
    Type.Object({ name: Name, podSelector: Labels, allowPorts: Type.Array(Type.Integer({ minimum: 1, maximum: 65535 }), { default: [] }) }, strict)),
  fault('resource-quota-too-small', 'Creates a ResourceQuota too small for the workloads, then restarts a Deployment so its new pods are refused.',
    Type.Object({ name: Name, hard: Type.Record(Type.String({ minLength: 1 }), Quantity, { minProperties: 1 }), rollout: Name }, strict)),
  fault('hpa-max-too-low', 'Caps the Deployment with a HorizontalPodAutoscaler whose maxReplicas is below what the load needs.',
    Type.Object({ deployment: Name, maxReplicas: Type.Integer({ minimum: 1 }) }, strict)),
  fault('webhook-fail-closed', 'Registers a failing-closed validating webhook for pod creation in the sandbox, served by a Service with no endpoints. Cluster-scoped: labelled with the sandbox namespace.',
    Type.Object({ name: Name, service: Name }, strict)),
  fault('node-affinity-unsatisfiable', "Requires the Deployment's pods on nodes with a label value no node has: new pods stay Pending.",
    Type.Object({ deployment: Name, key: Type.String({ minLength: 1 }), value: Type.String({ minLength: 1 }) }, strict)),
  fault('chaos-mesh', 'Creates a Chaos Mesh experiment (PodChaos, NetworkChaos, …) in the sandbox. Needs Chaos Mesh in the cluster: the sim has none, so apply fails with a clear error there.',
    Type.Object({
      kind: Type.Union(['PodChaos', 'NetworkChaos', 'StressChaos', 'IOChaos', 'HTTPChaos', 'DNSChaos', 'TimeChaos'].map((kind) => Type.Literal(kind))),
      name: Name,
      spec: Type.Record(Type.String(), Type.Unknown(), { description: 'the experiment spec, as Chaos Mesh documents it; its selector is scoped to the sandbox namespace' }),
    }, strict)),
  fault('node-cordon-drain', 'Cordons a shared node and evicts the sandbox pods on it. Cluster-scoped: the node is annotated with the sandbox namespace so revert and the sweeper find it.',
    Type.Object({ node: Type.String({ minLength: 1 }) }, strict)),
]);
export type Fault = Static<typeof FaultSchema>;
export type FaultType = Fault['type'];
export type FaultOf<T extends FaultType> = Extract<Fault, { type: T }>;
export type FaultArgs<T extends FaultType> = FaultOf<T> extends { args: infer A } ? A : never;
