// The event leaderboard: best run per person per scenario, ranked by total score then total time, shared
// places for true ties, and the "solved all" badge only for who solved every scenario of the event.
import { describe, expect, it } from 'vitest';
import { rankLeaderboard, type EventRun } from '../../api/events/leaderboard.ts';

const SCENARIOS = ['a', 'b', 'c'];
const run = (badgeId: string, name: string, scenarioId: string, score: number, timeToRepairSeconds = 100): EventRun => ({
  badgeId,
  participantName: name,
  scenarioId,
  score,
  timeToRepairSeconds,
});
const board = (runs: EventRun[]) => rankLeaderboard('booth', SCENARIOS, runs);
const summary = (runs: EventRun[]) =>
  board(runs).map(({ rank, name, totalScore, solved, totalTimeSeconds, solvedAll }) => ({
    rank,
    name,
    totalScore,
    solved,
    totalTimeSeconds,
    solvedAll,
  }));

describe('rankLeaderboard', () => {
  it('is empty without runs', () => {
    expect(board([])).toEqual([]);
  });

  it('sums the best run of each scenario and counts solved scenarios', () => {
    expect(summary([run('1', 'Ada', 'a', 900, 60), run('1', 'Ada', 'b', 800, 120), run('2', 'Bob', 'a', 1000, 30)])).toEqual([
      { rank: 1, name: 'Ada', totalScore: 1700, solved: 2, totalTimeSeconds: 180, solvedAll: false },
      { rank: 2, name: 'Bob', totalScore: 1000, solved: 1, totalTimeSeconds: 30, solvedAll: false },
    ]);
  });

  it('repeats count once: the best score, and on an equal score the faster run', () => {
    const rows = board([
      run('1', 'Ada', 'a', 500, 400),
      run('1', 'Ada', 'a', 900, 200),
      run('1', 'Ada', 'a', 700, 50),
      run('1', 'Ada', 'a', 900, 150),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ totalScore: 900, solved: 1, totalTimeSeconds: 150, scores: { a: 900 } });
  });

  it('breaks a tie on score by total time, and shares the place when both are equal', () => {
    expect(
      summary([
        run('1', 'Slow', 'a', 1000, 300),
        run('2', 'Fast', 'a', 1000, 100),
        run('3', 'Also fast', 'a', 1000, 100),
        run('4', 'Last', 'a', 400, 10),
      ]).map(({ rank, name }) => `${rank} ${name}`),
    ).toEqual(['1 Also fast', '1 Fast', '3 Slow', '4 Last']);
  });

  it('marks solvedAll only for who solved every scenario of the event', () => {
    const rows = board([
      run('1', 'Ada', 'a', 100),
      run('1', 'Ada', 'b', 100),
      run('1', 'Ada', 'c', 100),
      run('2', 'Bob', 'a', 1000),
      run('2', 'Bob', 'b', 1000),
      run('2', 'Bob', 'b', 1000),
    ]);
    expect(rows.map((r) => [r.name, r.solved, r.scenarioCount, r.solvedAll])).toEqual([
      ['Bob', 2, 3, false],
      ['Ada', 3, 3, true],
    ]);
  });

  it('ignores runs of scenarios outside the event', () => {
    expect(board([run('1', 'Ada', 'elsewhere', 1000)])).toEqual([]);
    expect(board([run('1', 'Ada', 'a', 100), run('1', 'Ada', 'elsewhere', 1000)])[0]).toMatchObject({ totalScore: 100, solved: 1 });
  });

  it('is one person per badge, whatever the name says, and never publishes the badge id', () => {
    const rows = board([run('B-7', 'Ada L.', 'a', 500), run('B-7', 'Ada Lovelace', 'b', 500), run('B-8', 'Ada L.', 'a', 600)]);
    expect(rows.map((r) => [r.name, r.solved])).toEqual([
      ['Ada L.', 2],
      ['Ada L.', 1],
    ]);
    expect(JSON.stringify(rows)).not.toContain('B-7');
    expect(new Set(rows.map((r) => r.participantKey)).size).toBe(2);
    expect(board([run('B-7', 'x', 'a', 1)])[0]!.participantKey).toBe(rows[0]!.participantKey);
  });
});
