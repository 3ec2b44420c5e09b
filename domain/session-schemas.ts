// TypeBox schemas of the session terms, for the API contract (validation and OpenAPI) and the scenario schema.
import { Type, type TLiteral, type TUnion } from '@sinclair/typebox';
import { EVENT_KINDS, MODES, PHASES, SLA_STATUSES } from './session-terms.ts';

function literals<T extends string>(values: readonly T[]): TUnion<TLiteral<T>[]> {
  return Type.Union(values.map((value) => Type.Literal(value)));
}

export const PhaseSchema = literals(PHASES);
export const ModeSchema = literals(MODES);
export const SlaStatusSchema = literals(SLA_STATUSES);
export const EventKindSchema = literals(EVENT_KINDS);
