// SLA_PROVIDER=auto: the journeys (real requests from the load generator) for sandboxes whose pods really run,
// kube-state for sandboxes in the simulation, where pods are kwok's fakes and no request could succeed.
// A sandbox's pods really run when the cluster has real nodes (not kwok's, annotated kwok.x-k8s.io/node=fake)
// and the namespace sends its pods to one: its PodNodeSelector annotation matches a real node, or it has none
// and every node is real (a kind, vcluster or shared cluster). Participants cannot change either, so they cannot
// switch a session back to the cluster-state view.
import type { V1Node } from '@kubernetes/client-node';
import { statusOf, type Kube } from '../../cluster/kube.ts';
import { NODE_SELECTOR_ANNOTATION } from '../../cluster/placement.ts';
import { mapLimited } from './map-limited.ts';
import type { SlaProvider, SlaReading, SlaTarget } from './types.ts';

const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
const CACHE_MS = 30_000;

/** `a=b,c=d` → { a: 'b', c: 'd' } (the PodNodeSelector annotation's format). */
export function parseNodeSelector(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const [key, ...value] = pair.split('=');
        return [key!.trim(), value.join('=').trim()];
      }),
  );
}

export function isKwokNode(node: V1Node): boolean {
  return node.metadata?.annotations?.[KWOK_NODE_ANNOTATION] === 'fake';
}

/** Whether a namespace with this node-selector annotation runs its pods for real, given the cluster's nodes. */
export function podsRunForReal(nodes: V1Node[], nodeSelector: string | undefined): boolean {
  const real = nodes.filter((node) => !isKwokNode(node));
  if (real.length === 0) return false;
  if (nodeSelector === undefined) return real.length === nodes.length;
  const wanted = Object.entries(parseNodeSelector(nodeSelector));
  return real.some((node) => wanted.every(([key, value]) => node.metadata?.labels?.[key] === value));
}

export function autoProvider(
  cluster: Kube | ((sessionId: string) => Promise<Kube>),
  providers: { real: SlaProvider; simulated: SlaProvider },
  concurrency = 16,
): SlaProvider {
  const kubeFor = typeof cluster === 'function' ? cluster : async () => cluster;
  const nodesCache = new WeakMap<Kube, { at: number; nodes: Promise<V1Node[]> }>();
  const decided = new Map<string, { at: number; real: boolean }>();
  const nodesOf = (kube: Kube) => {
    const cached = nodesCache.get(kube);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.nodes;
    // Engine credentials that may not list nodes (a shared cluster's namespace-scoped role): no kwok can be
    // told apart there, and a simulation would have given the engine its admin; the pods run for real.
    const nodes = kube.core.listNode().then(
      (list) => list.items,
      (error: unknown) => {
        if (statusOf(error) === 403) return [{ metadata: { name: 'unlisted' } }];
        throw error;
      },
    );
    nodes.catch(() => nodesCache.delete(kube));
    nodesCache.set(kube, { at: Date.now(), nodes });
    return nodes;
  };
  /** undefined: the cluster cannot be read now (the session reads unknown). */
  const runsForReal = async (target: SlaTarget): Promise<boolean | undefined> => {
    const cached = decided.get(target.sessionId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.real;
    try {
      const kube = await kubeFor(target.sessionId);
      const namespace = await kube.core.readNamespace({ name: target.namespace });
      const real = podsRunForReal(await nodesOf(kube), namespace.metadata?.annotations?.[NODE_SELECTOR_ANNOTATION]);
      decided.set(target.sessionId, { at: Date.now(), real });
      return real;
    } catch {
      return undefined;
    }
  };
  return {
    name: 'auto',
    async evaluate(targets: SlaTarget[]) {
      const kinds = await mapLimited(targets, concurrency, runsForReal);
      const pick = (real: boolean) => targets.filter((_, index) => kinds[index] === real);
      const [real, simulated] = [pick(true), pick(false)];
      const [realReadings, simulatedReadings] = await Promise.all([
        real.length > 0 ? providers.real.evaluate(real) : new Map<string, SlaReading>(),
        simulated.length > 0 ? providers.simulated.evaluate(simulated) : new Map<string, SlaReading>(),
      ]);
      for (const id of decided.keys()) if (!targets.some((t) => t.sessionId === id)) decided.delete(id);
      return new Map([...realReadings, ...simulatedReadings]);
    },
  };
}
