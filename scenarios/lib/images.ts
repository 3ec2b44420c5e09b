// The container images a library's systems use: the simulated registry holds exactly these.
import { parseAllDocuments } from 'yaml';
import type { Library } from './load.ts';
import { LOAD_GENERATOR_IMAGE } from '../../cluster/load-generator.ts';

interface PodSpecLike { containers?: { image?: string }[]; initContainers?: { image?: string }[] }

function podSpecOf(object: Record<string, unknown>): PodSpecLike | undefined {
  const spec = object.spec as { template?: { spec?: PodSpecLike }; jobTemplate?: { spec?: { template?: { spec?: PodSpecLike } } } } & PodSpecLike | undefined;
  if (object.kind === 'Pod') return spec;
  return spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
}

export function imagesIn(manifests: string): string[] {
  return parseAllDocuments(manifests).flatMap((document) => {
    const object = document.toJS() as Record<string, unknown> | null;
    const pod = object ? podSpecOf(object) : undefined;
    return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])].flatMap((c) => (c.image ? [c.image] : []));
  });
}

export function libraryImages(library: Library): string[] {
  const systems = [...library.systems.values()];
  // The engine deploys its load generator beside every system with journeys (cluster/load-generator.ts).
  const loadGenerator = systems.some((s) => s.system.spec.loadGenerator?.journeys.length) ? [LOAD_GENERATOR_IMAGE] : [];
  return [...new Set([...systems.flatMap((system) => imagesIn(system.manifests)), ...loadGenerator])].sort();
}
