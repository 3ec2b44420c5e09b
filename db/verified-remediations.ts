// Verified remediations as machines read them (`failurelib remediate`, the API's GET /api/remediations/verified and
// the `remediation.verified` webhook): for each verified remediation of a published report, the commands and the
// detection. The detection is the scenario's oracle negated — the broken state is any oracle predicate failing — and
// applies only to a namespace running the system it was verified on (all of that system's Deployments and Services
// present), so a remediation is never matched against an unrelated namespace. Here, below the API, because the
// verification activities publish the same shape when a remediation turns verified.
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { manifestObjects } from '../scenarios/lib/cross-checks.ts';
import type { Library } from '../scenarios/lib/load.ts';
import type { Database } from './client.ts';
import { remediations, reports, sessions } from './schema.ts';

/** The kinds whose objects identify a system in a namespace: no fault deletes them. */
const IDENTIFYING_KINDS = new Set(['Deployment', 'Service']);

/** The verified remediations of published reports matching `where` (newest first), in their machine-readable shape. */
export async function selectVerifiedRemediations(
  db: Pick<Database, 'select'>,
  library: Library,
  { where = [], system, webOrigin, limit = 500 }: { where?: SQL[]; system?: string; webOrigin: string; limit?: number },
) {
  const rows = await db
    .select({ fix: remediations, report: reports, verifiedOn: sessions.systemId })
    .from(remediations)
    .innerJoin(reports, eq(reports.id, remediations.reportId))
    .leftJoin(sessions, eq(sessions.id, remediations.evidenceSessionId))
    .where(and(eq(remediations.status, 'verified'), eq(reports.status, 'published'), ...where))
    .orderBy(desc(remediations.updatedAt))
    .limit(limit);
  return rows.flatMap(({ fix, report, verifiedOn }) => {
    // A remediation is verified against a scenario of the library; one whose scenario is gone has no detection.
    const scenario = report.scenarioId ? library.scenarios.get(report.scenarioId) : undefined;
    const systemId = verifiedOn ?? scenario?.spec.systems[0];
    const loaded = systemId ? library.systems.get(systemId) : undefined;
    if (!scenario || !systemId || !loaded || (system && system !== systemId)) return [];
    const objects = manifestObjects(loaded.manifests)
      .filter((object) => IDENTIFYING_KINDS.has(object.kind))
      .map((object) => ({ kind: object.kind, name: object.metadata.name }));
    return [
      {
        id: fix.id,
        reportId: report.id,
        title: report.title,
        url: `${webOrigin}/reports/${encodeURIComponent(report.id)}`,
        tags: report.tags,
        summary: fix.summary,
        commands: fix.commands,
        verifiedAt: fix.updatedAt.toISOString(),
        evidence: { sessionId: fix.evidenceSessionId, reason: fix.reason ?? '' },
        detection: {
          scenarioId: scenario.metadata.name,
          systemId,
          appliesTo: objects,
          brokenWhenAnyFails: scenario.spec.oracle.predicates,
        },
      },
    ];
  });
}
