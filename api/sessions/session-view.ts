// Turns read-model rows into the public DTOs, hiding what the session's mode must not reveal.
import type { Library } from '../../scenarios/lib/load.ts';
import type { SessionEventRow, SessionRow } from '../../db/schema.ts';
import type { Mode } from '../../domain/session-terms.ts';
import type { SessionDto, SessionEventDto } from '../contract.ts';
import type { ScenarioIdentities } from '../scenario-ids.ts';

export function eventDto(row: SessionEventRow, mode: Mode): SessionEventDto {
  const hideDetail = mode === 'challenge' && row.kind === 'note';
  return {
    id: row.id,
    at: row.at.toISOString(),
    kind: row.kind,
    summary: row.summary,
    ...(row.detail != null && !hideDetail ? { detail: row.detail } : {}),
  };
}

export function elapsedSeconds(row: SessionRow, now = Date.now()): number {
  if (!row.startedAt) return 0;
  const end = row.repairedAt ?? row.endedAt ?? new Date(now);
  return Math.max(0, Math.round((end.getTime() - row.startedAt.getTime()) / 1000));
}

export function sessionDto(
  row: SessionRow,
  events: SessionEventRow[],
  library: Library,
  identities: ScenarioIdentities,
  now = Date.now(),
): SessionDto {
  const scenario = library.scenarios.get(row.scenarioId);
  const learn = row.mode === 'learn';
  // A Challenge session is known by its event's codename (or the open catalog's), never by its title.
  const challenge = !learn && scenario ? identities.challenge(scenario, row.eventId ?? undefined) : undefined;
  return {
    id: row.id,
    phase: row.phase,
    mode: row.mode,
    scenarioId: learn ? row.scenarioId : (challenge?.id ?? 'unknown'),
    systemId: row.systemId,
    ...(learn && scenario ? { title: scenario.spec.title } : {}),
    ...(challenge ? { codename: challenge.codename } : {}),
    createdAt: row.createdAt.toISOString(),
    ...(row.startedAt ? { startedAt: row.startedAt.toISOString() } : {}),
    ...(row.repairedAt ? { repairedAt: row.repairedAt.toISOString() } : {}),
    ...(row.endedAt ? { endedAt: row.endedAt.toISOString() } : {}),
    elapsedSeconds: elapsedSeconds(row, now),
    sla: { status: row.slaStatus, objectives: (row.slaObjectives ?? []) as SessionDto['sla']['objectives'] },
    hintsUsed: row.hintsUsed,
    ...(row.dashboardUrl ? { dashboardUrl: row.dashboardUrl } : {}),
    events: events.map((event) => eventDto(event, row.mode)),
  };
}
