// The badge export a booth imports: header required, quoted names, and every bad line named.
import { describe, expect, it } from 'vitest';
import { parseParticipantsCsv } from '../../api/events/participants-csv.ts';

describe('parseParticipantsCsv', () => {
  it('reads badge ids and names, quoted or not, CRLF or LF, skipping blank lines', () => {
    const { participants, problems } = parseParticipantsCsv('badgeId,name\r\nB-1,Ada Lovelace\r\n\r\nB-2,"Hopper, Grace ""Amazing"""\n');
    expect(problems).toEqual([]);
    expect(participants).toEqual([
      { line: 2, badgeId: 'B-1', name: 'Ada Lovelace' },
      { line: 4, badgeId: 'B-2', name: 'Hopper, Grace "Amazing"' },
    ]);
  });

  it('requires the header', () => {
    expect(parseParticipantsCsv('B-1,Ada\n').problems).toEqual([{ line: 1, message: 'the first line must be the header "badgeId,name"' }]);
  });

  it('names every bad line: missing field, empty name, bad badge id, duplicate, broken quotes', () => {
    const { problems } = parseParticipantsCsv('badgeId,name\nB-1\nB-2,\nB 3,Carl\nB-4,Dee\nB-4,Dee again\nB-5,"open\n');
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 6, 7]);
    expect(problems[3]!.message).toBe('badge B-4 is already on line 5');
  });

  it('names lines whose badge id or name holds a control character (a NUL cannot be stored)', () => {
    const { participants, problems } = parseParticipantsCsv('badgeId,name\nB-1,Ada\u0000\nB\u00002,Bea\nB-3,"Cy\u001b[2J"\nB-4,Zoë\n');
    expect(problems).toEqual([
      { line: 2, message: 'name must not contain control characters' },
      { line: 3, message: expect.stringContaining('control characters') },
      { line: 4, message: 'name must not contain control characters' },
    ]);
    expect(participants).toEqual([{ line: 5, badgeId: 'B-4', name: 'Zoë' }]);
  });

  it('refuses a file with no participants', () => {
    expect(parseParticipantsCsv('badgeId,name\n').problems).toHaveLength(1);
  });
});
