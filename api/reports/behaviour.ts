// A report's behaviour signature (domain/behaviour-signature.ts), stored on the report when a reviewer links a
// session or a scenario, or someone attaches a remediation: the session's SLA timeline and kubectl writes, the
// scenario's fault, objectives and solutions, and the remediations' commands. Similarity compares it in SQL.
import { and, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { kubeRequests, remediations, reports, scenarioDocuments, slaSamples } from '../../db/schema.ts';
import { faultConditionTokens, fixTokens, timelineTokens, type SlaTimelinePoint } from '../../domain/behaviour-signature.ts';
import { WRITE_VERBS } from '../../domain/session-terms.ts';
import { singular } from '../../gateway/steps.ts';
import type { Library } from '../../scenarios/lib/load.ts';
import { faultSteps } from '../../scenarios/lib/steps.ts';

type Executor = Pick<Database, 'select' | 'update'>;

/** The names a fault acts on (deployment, service, the app its pod selector picks): objectives naming one go red. */
function faultTargets(args: Record<string, unknown>): string[] {
  const names = [args.deployment, args.service, args.rollout, args.secret].filter((v): v is string => typeof v === 'string');
  const selector = args.podSelector as Record<string, string> | undefined;
  return [...names, ...Object.values(selector ?? {})];
}

/**
 * What a scenario's definition says it does: the conditions its faults bring, the objectives of its systems that
 * watch what the faults break (they go red), and the kubectl steps of its solutions.
 */
export function scenarioBehaviour(library: Library, scenarioId: string): string[] {
  const scenario = library.scenarios.get(scenarioId);
  if (!scenario) return [];
  const { spec } = scenario;
  const faults = faultSteps(spec.steps).map((step) => step.fault);
  const targets = new Set(faults.flatMap((fault) => faultTargets((fault as { args?: Record<string, unknown> }).args ?? {})));
  const objectives = spec.systems.flatMap((id) => library.systems.get(id)?.system.spec.objectives ?? []);
  const red = objectives.filter((objective) =>
    [...targets].some((target) => JSON.stringify(objective.kubeState).includes(`"name":"${target}"`)),
  );
  return [
    ...new Set([
      ...faults.flatMap((fault) => faultConditionTokens(fault.type)),
      ...red.map((objective) => `red:${objective.name}`),
      ...spec.solutions.flatMap((solution) => solution.commands.flatMap(fixTokens)),
    ]),
  ].sort();
}

/** What a session's recording shows: its SLA timeline (sla_samples) and the kubectl writes that succeeded. */
export async function sessionBehaviour(db: Executor, sessionId: string): Promise<string[]> {
  const [samples, writes] = await Promise.all([
    db.select({ at: slaSamples.at, objectives: slaSamples.objectives }).from(slaSamples).where(eq(slaSamples.sessionId, sessionId)),
    db
      .select({ verb: kubeRequests.verb, resource: kubeRequests.resource, command: kubeRequests.command })
      .from(kubeRequests)
      .where(and(eq(kubeRequests.sessionId, sessionId), inArray(kubeRequests.verb, [...WRITE_VERBS]), lt(kubeRequests.status, 400))),
  ]);
  const points: SlaTimelinePoint[] = samples.map((s) => ({ at: s.at, objectives: s.objectives as SlaTimelinePoint['objectives'] }));
  const fixes = writes.flatMap((w) => fixTokens(`${w.command ?? `kubectl ${w.verb}`} ${singular(w.resource)}`));
  return [...new Set([...timelineTokens(points), ...fixes])].sort();
}

/** Recomputes and stores a report's behaviour from its linked session, its scenario and its remediations. */
export async function refreshReportBehaviour(db: Executor, library: Library, reportId: string): Promise<string[]> {
  const [row] = await db
    .select({ sessionId: reports.sessionId, scenarioId: reports.scenarioId })
    .from(reports)
    .where(eq(reports.id, reportId));
  if (!row) return [];
  const fixes = await db.select({ commands: remediations.commands }).from(remediations).where(eq(remediations.reportId, reportId));
  const behaviour = [
    ...new Set([
      ...(row.sessionId ? await sessionBehaviour(db, row.sessionId) : []),
      ...(row.scenarioId ? scenarioBehaviour(library, row.scenarioId) : []),
      ...fixes.flatMap((f) => f.commands.flatMap(fixTokens)),
    ]),
  ].sort();
  await db.update(reports).set({ behaviour }).where(eq(reports.id, reportId));
  return behaviour;
}

/** At library sync: every scenario's behaviour, then every report linked to a scenario or session again. */
export async function refreshLibraryBehaviour(db: Executor, library: Library): Promise<void> {
  for (const id of library.scenarios.keys())
    await db
      .update(scenarioDocuments)
      .set({ behaviour: scenarioBehaviour(library, id) })
      .where(eq(scenarioDocuments.id, id));
  const linked = await db
    .select({ id: reports.id })
    .from(reports)
    .where(sql`${isNotNull(reports.scenarioId)} or ${isNotNull(reports.sessionId)}`);
  for (const { id } of linked) await refreshReportBehaviour(db, library, id);
}
