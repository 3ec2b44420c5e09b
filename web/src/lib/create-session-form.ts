// Reads and validates the "Start session" form. Limits mirror the API's CreateSessionSchema.
import { isMode } from '../../../domain/session-terms.ts';

export interface CreateSessionValues {
  scenarioId: string;
  systemId: string;
  mode: string;
  name: string;
  badgeId: string;
  eventId: string;
}

export type CreateSessionErrors = Partial<Record<keyof CreateSessionValues, string>>;

export type ParsedCreateSession =
  { ok: true; values: CreateSessionValues } | { ok: false; values: CreateSessionValues; errors: CreateSessionErrors };

const MAX_LENGTH = 100;

function field(form: FormData, name: keyof CreateSessionValues): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

export function readCreateSessionForm(form: FormData): ParsedCreateSession {
  const values: CreateSessionValues = {
    scenarioId: field(form, 'scenarioId'),
    systemId: field(form, 'systemId'),
    mode: field(form, 'mode'),
    name: field(form, 'name'),
    badgeId: field(form, 'badgeId'),
    eventId: field(form, 'eventId'),
  };

  const errors: CreateSessionErrors = {};
  if (!values.scenarioId) errors.scenarioId = 'Choose a scenario.';
  if (!values.systemId) errors.systemId = 'Choose a system.';
  if (!isMode(values.mode)) errors.mode = 'Choose Learn or Challenge.';
  // At an event the badge says who you are; elsewhere the name does.
  if (values.eventId && !values.badgeId) errors.badgeId = 'Scan or type your badge id: the event needs it.';
  if (!values.eventId && !values.name) errors.name = 'Enter your name.';
  for (const key of ['scenarioId', 'systemId', 'name', 'badgeId', 'eventId'] as const) {
    if (values[key].length > MAX_LENGTH) errors[key] = `At most ${MAX_LENGTH} characters.`;
  }

  return Object.keys(errors).length > 0 ? { ok: false, values, errors } : { ok: true, values };
}
