// What a participant's screen gets: Challenge mode never names the failure, and the clock counts
// from the fault to the repair (or the end).
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionEventRow, SessionRow } from '../../db/schema.ts';
import { elapsedSeconds, eventDto, sessionDto } from '../../api/sessions/session-view.ts';
import { ScenarioIdentities } from '../../api/scenario-ids.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';

const library = loadLibrary(join(resolve(import.meta.dirname, '../..'), 'scenarios'));
const scenario = library.scenarios.get('storefront-scaled-to-zero')!;
const identities = new ScenarioIdentities(library, Buffer.alloc(32, 7));
const created = new Date('2026-03-01T10:00:00Z');
const at = (seconds: number) => new Date(created.getTime() + seconds * 1000);

const row = (overrides: Partial<SessionRow> = {}): SessionRow => ({
  id: 'session-1',
  workflowId: 'session-session-1',
  scenarioId: 'storefront-scaled-to-zero',
  systemId: 'demo-app',
  mode: 'learn',
  participantName: 'Ada',
  badgeId: null,
  eventId: null,
  tokenHash: 'f'.repeat(64),
  phase: 'running',
  namespace: 'fl-session-1',
  slaStatus: 'red',
  slaObjectives: [],
  hintsUsed: 0,
  dashboardUrl: null,
  result: null,
  createdAt: created,
  startedAt: null,
  repairedAt: null,
  endedAt: null,
  ...overrides,
});
const note: SessionEventRow = {
  id: 7,
  sessionId: 'session-1',
  dedupeKey: 'fault:0',
  at: at(60),
  kind: 'note',
  summary: 'Fault injected',
  detail: { summary: 'scaled storefront to 0' },
};

describe('sessionDto', () => {
  it('Learn mode shows the real scenario id and its title, and no codename', () => {
    const dto = sessionDto(row(), [], library, identities);
    expect(dto.scenarioId).toBe('storefront-scaled-to-zero');
    expect(dto.title).toBe(scenario.spec.title);
    expect(dto.codename).toBeUndefined();
  });

  it('Challenge mode has no title, a codename id, and nothing that names the fault', () => {
    const dto = sessionDto(row({ mode: 'challenge' }), [note], library, identities);
    expect(dto.title).toBeUndefined();
    expect(dto.scenarioId).not.toBe('storefront-scaled-to-zero');
    expect(dto.scenarioId).toMatch(/^[a-z0-9-]+$/);
    const asIn = (eventId?: string) => {
      const { id, codename } = identities.challenge(scenario, eventId);
      return { scenarioId: id, codename };
    };
    expect(dto).toMatchObject(asIn()); // the open catalog's codename
    expect(sessionDto(row({ mode: 'challenge', eventId: 'booth' }), [], library, identities)).toMatchObject(asIn('booth'));
    const json = JSON.stringify(dto);
    expect(json).not.toContain('storefront-scaled-to-zero');
    expect(json).not.toContain(scenario.spec.title);
    expect(json).not.toContain(scenario.spec.codename); // the library's nickname is public
    expect(json).not.toContain('scaled storefront to 0');
  });

  it("hides a note's detail in Challenge mode and shows it in Learn mode", () => {
    expect(eventDto(note, 'learn').detail).toEqual(note.detail);
    expect(eventDto(note, 'challenge').detail).toBeUndefined();
  });

  it('sends times as ISO strings and leaves out the ones not reached yet', () => {
    const dto = sessionDto(row({ startedAt: at(60) }), [], library, identities);
    expect(dto.createdAt).toBe(created.toISOString());
    expect(dto.startedAt).toBe(at(60).toISOString());
    expect('repairedAt' in dto).toBe(false);
    expect('endedAt' in dto).toBe(false);
  });
});

describe('elapsedSeconds', () => {
  it('is zero before the fault is injected', () => {
    expect(elapsedSeconds(row(), at(500).getTime())).toBe(0);
  });

  it('counts from startedAt to now while running', () => {
    expect(elapsedSeconds(row({ startedAt: at(60) }), at(150).getTime())).toBe(90);
  });

  it('stops at repairedAt, even if the session ended later', () => {
    expect(elapsedSeconds(row({ startedAt: at(60), repairedAt: at(200), endedAt: at(260) }), at(9999).getTime())).toBe(140);
  });

  it('stops at endedAt for a session that ended unrepaired', () => {
    expect(elapsedSeconds(row({ startedAt: at(60), endedAt: at(360), phase: 'abandoned' }), at(9999).getTime())).toBe(300);
  });
});
