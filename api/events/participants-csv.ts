// Parses the badge export a booth imports before an event: `badgeId,name` with a header line, RFC 4180 quoting.
// Every problem names its line; the caller writes nothing unless the whole file is good.

export interface CsvParticipant {
  line: number;
  badgeId: string;
  name: string;
}
export interface CsvProblem {
  line: number;
  message: string;
}

const MAX_FIELD = 100;
const BADGE = /^[^\s,"\u0000-\u001f\u007f]+$/;
/** Postgres text cannot hold a NUL, and no name needs a control character. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Splits one line into fields; quoted fields may hold commas and doubled quotes. Returns undefined on bad quoting. */
function fields(line: string): string[] | undefined {
  const out: string[] = [];
  let index = 0;
  for (;;) {
    let value = '';
    if (line[index] === '"') {
      index += 1;
      for (;;) {
        if (index >= line.length) return undefined;
        if (line[index] === '"') {
          if (line[index + 1] === '"') {
            value += '"';
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        value += line[index];
        index += 1;
      }
      if (index < line.length && line[index] !== ',') return undefined;
    } else {
      const comma = line.indexOf(',', index);
      value = line.slice(index, comma === -1 ? line.length : comma);
      if (value.includes('"')) return undefined;
      index = comma === -1 ? line.length : comma;
    }
    out.push(value.trim());
    if (index >= line.length) return out;
    index += 1; // the comma
  }
}

export function parseParticipantsCsv(text: string): { participants: CsvParticipant[]; problems: CsvProblem[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const problems: CsvProblem[] = [];
  const participants: CsvParticipant[] = [];
  const header = fields(lines[0] ?? '')?.map((f) => f.toLowerCase());
  if (!header || header.length !== 2 || header[0] !== 'badgeid' || header[1] !== 'name') {
    return { participants, problems: [{ line: 1, message: 'the first line must be the header "badgeId,name"' }] };
  }
  const seen = new Map<string, number>();
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    if (index === 0 || raw.trim() === '') continue;
    const parsed = fields(raw);
    if (!parsed || parsed.length !== 2) {
      problems.push({ line, message: 'expected two fields: badgeId,name' });
      continue;
    }
    const [badgeId = '', name = ''] = parsed;
    if (!BADGE.test(badgeId) || badgeId.length > MAX_FIELD) {
      problems.push({ line, message: `badgeId must be 1–${MAX_FIELD} characters without spaces, commas, quotes or control characters` });
      continue;
    }
    if (name === '' || name.length > MAX_FIELD) {
      problems.push({ line, message: `name must be 1–${MAX_FIELD} characters` });
      continue;
    }
    if (CONTROL_CHARACTER.test(name)) {
      problems.push({ line, message: 'name must not contain control characters' });
      continue;
    }
    const first = seen.get(badgeId);
    if (first !== undefined) {
      problems.push({ line, message: `badge ${badgeId} is already on line ${first}` });
      continue;
    }
    seen.set(badgeId, line);
    participants.push({ line, badgeId, name });
  }
  if (problems.length === 0 && participants.length === 0) problems.push({ line: 2, message: 'no participants after the header' });
  return { participants, problems };
}
