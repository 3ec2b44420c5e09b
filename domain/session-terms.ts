// The words a session is described in, defined once: the workflow, activities, API, database, website,
// CLI and benchmarks all import them from here. Pure data and predicates: no imports, no I/O, so the
// deterministic workflow and the browser may load it too. TypeBox schemas are derived in session-schemas.ts.

/** The happy path of a session, in order. */
export const HAPPY_PATH = ['provisioning', 'ready', 'injecting', 'running', 'repaired', 'scoring', 'completed'] as const;

/** The ways a session ends early. */
export const EXIT_PHASES = ['abandoned', 'timed_out', 'failed'] as const;

export const PHASES = [...HAPPY_PATH, ...EXIT_PHASES] as const;
export type Phase = (typeof PHASES)[number];
export type ExitPhase = (typeof EXIT_PHASES)[number];

/** Phases a session never leaves: its sandbox is (being) torn down and it takes no more commands. */
export const TERMINAL_PHASES = ['completed', ...EXIT_PHASES] as const;
export type TerminalPhase = (typeof TERMINAL_PHASES)[number];

export function isTerminalPhase(phase: string): phase is TerminalPhase {
  return (TERMINAL_PHASES as readonly string[]).includes(phase);
}

export function isExitPhase(phase: string): phase is ExitPhase {
  return (EXIT_PHASES as readonly string[]).includes(phase);
}

/** Learn shows the title, root cause and hints; Challenge gives nothing away. */
export const MODES = ['learn', 'challenge'] as const;
export type Mode = (typeof MODES)[number];

export function isMode(value: unknown): value is Mode {
  return (MODES as readonly unknown[]).includes(value);
}

export const SLA_STATUSES = ['green', 'red', 'unknown'] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];

export function isSlaStatus(value: unknown): value is SlaStatus {
  return (SLA_STATUSES as readonly unknown[]).includes(value);
}

/** What a session event records: a kubectl change, an SLA change, a phase change, a hint, a note. */
export const EVENT_KINDS = ['kube', 'sla', 'phase', 'hint', 'note'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Kubernetes verbs that change the cluster: recorded as steps, scored as collateral, refused on the engine. */
export const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;
export type WriteVerb = (typeof WRITE_VERBS)[number];

export function isWriteVerb(verb: string): verb is WriteVerb {
  return (WRITE_VERBS as readonly string[]).includes(verb);
}
