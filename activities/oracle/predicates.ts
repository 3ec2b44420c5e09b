// Oracle predicates and waitUntil conditions: each reads cluster state only, so they hold on every driver.
import { createHash } from 'node:crypto';
import type { V1Deployment, V1HorizontalPodAutoscaler, V1NetworkPolicy, V1Pod, V1Service } from '@kubernetes/client-node';
import type { Predicate } from '../../scenarios/lib/schema.ts';
import { ignoreNotFound, type Kube } from '../../cluster/kube.ts';
import { isReady, isTerminating, podTrouble } from './pods.ts';
import { matchesLabels, matchesSelector } from './selectors.ts';

export interface PredicateResult {
  ok: boolean;
  value: number;
  target: number;
}

type Evaluator<K extends string> = (
  kube: Kube,
  namespace: string,
  args: Extract<Predicate, Record<K, unknown>>[K & keyof Extract<Predicate, Record<K, unknown>>],
) => Promise<PredicateResult>;
type Evaluators = { [P in Predicate as keyof P & string]: Evaluator<keyof P & string> };

const result = (value: number, target: number, ok = value >= target): PredicateResult => ({ ok, value, target });
const flag = (ok: boolean): PredicateResult => ({ ok, value: ok ? 1 : 0, target: 1 });

const readDeployment = (kube: Kube, namespace: string, name: string) =>
  ignoreNotFound(kube.apps.readNamespacedDeployment({ name, namespace }));

function containerOf(deployment: V1Deployment | undefined, name?: string) {
  const containers = deployment?.spec?.template.spec?.containers ?? [];
  return name ? containers.find((c) => c.name === name) : containers[0];
}

/**
 * The namespace's pods carrying the labels, terminating ones included. The whole (small) sandbox namespace
 * is listed and filtered here, so that under readOnce every selector of one evaluation shares one list.
 */
export async function podsWithLabels(kube: Kube, namespace: string, labels: Record<string, string> = {}): Promise<V1Pod[]> {
  return (await kube.core.listNamespacedPod({ namespace })).items.filter((pod) => matchesLabels(pod.metadata?.labels, labels));
}

/** The namespace's pods matching the labels, terminating ones left out. */
export async function podsMatching(kube: Kube, namespace: string, selector?: Record<string, string>): Promise<V1Pod[]> {
  return (await podsWithLabels(kube, namespace, selector)).filter((pod) => !isTerminating(pod));
}

/** A Service by name, read from the namespace's list (one shared list under readOnce). */
async function serviceNamed(kube: Kube, namespace: string, name: string): Promise<V1Service | undefined> {
  return (await kube.core.listNamespacedService({ namespace })).items.find((service) => service.metadata?.name === name);
}

/** The port a Service port reaches on a pod, or undefined when the pod declares no such port. */
function resolveTargetPort(pod: V1Pod, targetPort: number | string): number | undefined {
  for (const port of (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? [])) {
    if (typeof targetPort === 'string' ? port.name === targetPort : port.containerPort === targetPort) return port.containerPort;
  }
  return undefined;
}

/**
 * Whether NetworkPolicies admit traffic from inside the namespace to the pod on the port. A simplification:
 * any `from` peer other than a bare ipBlock is taken to admit in-namespace callers.
 */
function ingressAllowed(pod: V1Pod, port: number, portName: string | undefined, policies: V1NetworkPolicy[]): boolean {
  const selecting = policies.filter((policy) => {
    const types = policy.spec?.policyTypes ?? ['Ingress'];
    return types.includes('Ingress') && matchesSelector(pod.metadata?.labels, policy.spec?.podSelector ?? {});
  });
  if (selecting.length === 0) return true;
  return selecting.some((policy) =>
    (policy.spec?.ingress ?? []).some((rule) => {
      const portOk =
        !rule.ports?.length ||
        rule.ports.some((p) => p.port === undefined || p.port === port || (portName !== undefined && p.port === portName));
      const fromOk =
        !rule._from?.length || rule._from.some((peer) => peer.podSelector !== undefined || peer.namespaceSelector !== undefined);
      return portOk && fromOk;
    }),
  );
}

async function reachablePods(kube: Kube, namespace: string, service: V1Service): Promise<number> {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return 0;
  const [pods, policies] = await Promise.all([
    podsMatching(kube, namespace, selector),
    kube.objects.list<V1NetworkPolicy>('networking.k8s.io/v1', 'NetworkPolicy', namespace),
  ]);
  const port = service.spec?.ports?.[0];
  if (!port) return 0;
  const targetPort = port.targetPort ?? port.port;
  return pods.filter((pod) => {
    if (!isReady(pod)) return false;
    const number = resolveTargetPort(pod, targetPort as number | string);
    const name = pod.spec?.containers.flatMap((c) => c.ports ?? []).find((p) => p.containerPort === number)?.name;
    return number !== undefined && ingressAllowed(pod, number, name, policies.items);
  }).length;
}

const evaluators: Evaluators = {
  async deploymentAvailable(kube, namespace, { name, minAvailable }) {
    const deployment = await readDeployment(kube, namespace, name);
    return result(deployment?.status?.availableReplicas ?? 0, minAvailable);
  },
  async deploymentRolledOut(kube, namespace, { name }) {
    const d = await readDeployment(kube, namespace, name);
    const desired = d?.spec?.replicas ?? 0;
    const s = d?.status;
    const done =
      Boolean(d) &&
      (s?.observedGeneration ?? 0) >= (d?.metadata?.generation ?? 0) &&
      (s?.updatedReplicas ?? 0) === desired &&
      (s?.availableReplicas ?? 0) === desired &&
      (s?.replicas ?? 0) === desired &&
      desired > 0;
    return result(s?.updatedReplicas ?? 0, desired, done);
  },
  async deploymentImage(kube, namespace, { name, container, image }) {
    return flag(containerOf(await readDeployment(kube, namespace, name), container)?.image === image);
  },
  async deploymentEnv(kube, namespace, { name, container, env, value }) {
    const found = containerOf(await readDeployment(kube, namespace, name), container)?.env?.find((e) => e.name === env);
    return flag(found !== undefined && found.valueFrom === undefined && (found.value ?? '') === value);
  },
  async serviceHasReadyEndpoints(kube, namespace, { name }) {
    const slices = await kube.discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${name}` });
    const ready = slices.items.flatMap((slice) => slice.endpoints ?? []).filter((endpoint) => endpoint.conditions?.ready !== false).length;
    return result(ready, 1);
  },
  async serviceReachable(kube, namespace, { name, minPods }) {
    const service = await serviceNamed(kube, namespace, name);
    return result(service ? await reachablePods(kube, namespace, service) : 0, minPods);
  },
  async podsReady(kube, namespace, { selector, min }) {
    return result((await podsMatching(kube, namespace, selector)).filter(isReady).length, min);
  },
  async podsHealthy(kube, namespace, { selector }) {
    const troubled = (await podsMatching(kube, namespace, selector)).filter((pod) => podTrouble(pod) !== undefined).length;
    return result(troubled, 0, troubled === 0);
  },
  async configKeyHash(kube, namespace, { kind, name, key, sha256 }) {
    let value: string | undefined;
    if (kind === 'Secret') {
      const secret = await ignoreNotFound(kube.core.readNamespacedSecret({ name, namespace }));
      const data = secret?.data?.[key];
      value = data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
    } else {
      value = (await ignoreNotFound(kube.core.readNamespacedConfigMap({ name, namespace })))?.data?.[key];
    }
    return flag(value !== undefined && createHash('sha256').update(value).digest('hex') === sha256);
  },
  async hpaAllows(kube, namespace, { name, replicas }) {
    const hpa = await ignoreNotFound(
      kube.objects.read<V1HorizontalPodAutoscaler>({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name, namespace },
      }),
    );
    // No autoscaler at all does not cap the Deployment.
    return result(hpa ? (hpa.spec?.maxReplicas ?? 0) : replicas, replicas);
  },
  async anyOf(kube, namespace, predicates) {
    const results = await Promise.all(predicates.map((p) => evaluatePredicate(kube, namespace, p)));
    return result(results.filter((r) => r.ok).length, 1);
  },
};

export async function evaluatePredicate(kube: Kube, namespace: string, predicate: Predicate): Promise<PredicateResult> {
  const [key, args] = Object.entries(predicate)[0] as [keyof Evaluators, never];
  return evaluators[key](kube, namespace, args);
}

export async function predicatesHold(kube: Kube, namespace: string, predicates: Predicate[]): Promise<boolean> {
  for (const predicate of predicates) {
    if (!(await evaluatePredicate(kube, namespace, predicate)).ok) return false;
  }
  return true;
}
