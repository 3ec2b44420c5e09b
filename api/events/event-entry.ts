// Checks a session that joins an event: the event exists and is on, the scenario is one of its scenarios, the
// mode is the event's, and the badge was scanned at the booth. The person's name comes from the registration.
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { eventParticipants } from '../../db/schema.ts';
import type { Scenario } from '../../scenarios/lib/schema.ts';
import type { CreateSessionBody } from '../contract.ts';
import { badRequest, conflict, HttpError } from '../errors.ts';
import { findEvent } from './event-views.ts';

export interface EventEntry {
  eventId: string;
  badgeId: string;
  participantName: string;
}

export async function checkEventEntry(db: Database, body: CreateSessionBody, scenario: Scenario, now = new Date()): Promise<EventEntry> {
  const eventId = body.eventId ?? '';
  const event = await findEvent(db, eventId);
  if (!event) throw new HttpError(404, 'not_found', `event "${eventId}" not found`, [{ field: 'eventId', message: 'no such event' }]);
  if (now < event.startsAt) throw conflict(`event "${event.name}" has not started yet: it opens at ${event.startsAt.toISOString()}`);
  if (now >= event.endsAt) throw conflict(`event "${event.name}" is over: it closed at ${event.endsAt.toISOString()}`);
  const problems: { field: string; message: string }[] = [];
  if (body.mode !== event.mode) problems.push({ field: 'mode', message: `this event runs in ${event.mode} mode` });
  if (!event.scenarioIds.includes(scenario.metadata.name))
    problems.push({ field: 'scenarioId', message: "not one of this event's scenarios" });
  const badgeId = body.participant.badgeId?.trim();
  if (!badgeId) problems.push({ field: 'participant.badgeId', message: 'required to join an event: scan your badge at the booth first' });
  if (problems.length > 0 || !badgeId)
    throw badRequest(`cannot join event "${event.id}": ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);
  const [registered] = await db
    .select()
    .from(eventParticipants)
    .where(and(eq(eventParticipants.eventId, event.id), eq(eventParticipants.badgeId, badgeId)))
    .limit(1);
  if (!registered) {
    throw new HttpError(404, 'badge_not_registered', `badge ${badgeId} is not registered for "${event.name}": scan it at the booth first`, [
      { field: 'participant.badgeId', message: 'not registered for this event' },
    ]);
  }
  return { eventId: event.id, badgeId, participantName: registered.name };
}
