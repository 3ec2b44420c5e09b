// The event leaderboard as a pure function of the event's completed runs: best run per person per scenario,
// ranked by total score, then by total time to repair; equal on both means an equal rank.
import { createHash } from 'node:crypto';

export interface EventRun {
  /** Who ran it: the badge id when registered, else the name (sessions outside an event have no badge). */
  badgeId: string | null;
  participantName: string;
  scenarioId: string;
  score: number;
  timeToRepairSeconds: number;
}

export interface LeaderboardRow {
  rank: number;
  /** Opaque and stable per person: badge ids are never published (a badge id is what joins an event). */
  participantKey: string;
  name: string;
  totalScore: number;
  solved: number;
  scenarioCount: number;
  totalTimeSeconds: number;
  solvedAll: boolean;
  /** Best score per scenario id the caller passes in. */
  scores: Record<string, number>;
}

interface Person {
  key: string;
  name: string;
  best: Map<string, { score: number; seconds: number }>;
}

const personKey = (eventId: string, run: EventRun) =>
  createHash('sha256')
    .update(`${eventId}\0${run.badgeId ?? `name:${run.participantName.toLowerCase()}`}`)
    .digest('hex')
    .slice(0, 16);

/** Runs must be completed sessions of the event; runs of scenarios outside `scenarioIds` are ignored. */
export function rankLeaderboard(eventId: string, scenarioIds: readonly string[], runs: readonly EventRun[]): LeaderboardRow[] {
  const inEvent = new Set(scenarioIds);
  const people = new Map<string, Person>();
  for (const run of runs) {
    if (!inEvent.has(run.scenarioId)) continue;
    const key = personKey(eventId, run);
    const person = people.get(key) ?? { key, name: run.participantName, best: new Map() };
    const previous = person.best.get(run.scenarioId);
    const better = !previous || run.score > previous.score || (run.score === previous.score && run.timeToRepairSeconds < previous.seconds);
    if (better) person.best.set(run.scenarioId, { score: run.score, seconds: run.timeToRepairSeconds });
    people.set(key, person);
  }
  const rows = [...people.values()].map((person) => {
    const best = [...person.best.values()];
    return {
      participantKey: person.key,
      name: person.name,
      totalScore: best.reduce((sum, run) => sum + run.score, 0),
      solved: best.length,
      scenarioCount: inEvent.size,
      totalTimeSeconds: best.reduce((sum, run) => sum + run.seconds, 0),
      solvedAll: inEvent.size > 0 && best.length === inEvent.size,
      scores: Object.fromEntries([...person.best].map(([id, run]) => [id, run.score])),
    };
  });
  rows.sort((a, b) => b.totalScore - a.totalScore || a.totalTimeSeconds - b.totalTimeSeconds || a.name.localeCompare(b.name));
  // Competition ranking (1, 2, 2, 4): a tie on score and time shares the place.
  return rows.map((row, index, all) => {
    let first = index;
    while (first > 0 && all[first - 1]!.totalScore === row.totalScore && all[first - 1]!.totalTimeSeconds === row.totalTimeSeconds)
      first -= 1;
    return { rank: first + 1, ...row };
  });
}
