// Routes each objective to the configured provider when it has an SLI for it, else to kube-state
// (every objective has a kubeState predicate), with one batch call per provider.
import type { Objective } from '../../scenarios/lib/schema.ts';
import { readingOf, type ObjectiveResult, type SlaProvider, type SlaReading, type SlaTarget } from './types.ts';

export function compositeProvider(primary: SlaProvider, handles: (objective: Objective) => boolean, fallback: SlaProvider): SlaProvider {
  return {
    name: primary.name,
    async evaluate(targets: SlaTarget[]) {
      const split = (take: boolean) =>
        targets.map((t) => ({ ...t, objectives: t.objectives.filter((o) => handles(o) === take) })).filter((t) => t.objectives.length > 0);
      const [main, rest] = [split(true), split(false)];
      const [mainReadings, restReadings] = await Promise.all([
        main.length > 0 ? primary.evaluate(main) : new Map<string, SlaReading>(),
        rest.length > 0 ? fallback.evaluate(rest) : new Map<string, SlaReading>(),
      ]);
      return new Map(
        targets.map((target) => {
          const parts = [mainReadings.get(target.sessionId), restReadings.get(target.sessionId)].filter((r) => r !== undefined);
          const byName = new Map<string, ObjectiveResult>(parts.flatMap((r) => r.objectives).map((o) => [o.name, o]));
          const objectives = target.objectives.map(
            (o) => byName.get(o.name) ?? { name: o.name, description: o.description, status: 'unknown' as const },
          );
          const sampledAt = Math.min(...parts.map((r) => r.sampledAt ?? Date.now()));
          return [target.sessionId, readingOf(objectives, Number.isFinite(sampledAt) ? sampledAt : Date.now())];
        }),
      );
    },
  };
}
