// The container images a library's systems use: the simulated registry holds exactly these.
import { parseAllDocuments } from 'yaml';
import type { Library } from './load.ts';

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
  return [...new Set([...library.systems.values()].flatMap((system) => imagesIn(system.manifests)))].sort();
}
