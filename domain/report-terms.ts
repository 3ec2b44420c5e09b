// The words a failure report is described in, defined once: the database, the API, the website and the
// benchmarks import them from here. Pure data: no imports, no I/O.

/** draft (only its author has it) → submitted (waits for a reviewer) → published | duplicate | rejected. */
export const REPORT_STATUSES = ['draft', 'submitted', 'published', 'duplicate', 'rejected'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** What a reviewer may decide. */
export const REVIEW_DECISIONS = ['published', 'duplicate', 'rejected'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export const REMEDIATION_STATUSES = ['unverified', 'verifying', 'verified', 'refuted'] as const;
export type RemediationStatus = (typeof REMEDIATION_STATUSES)[number];
/** Why a verification ran: a reviewer asked, the remediation's commands were edited, or the library changed. */
export const VERIFICATION_TRIGGERS = ['requested', 'remediation-edited', 'library-changed'] as const;
export type VerificationTrigger = (typeof VERIFICATION_TRIGGERS)[number];

/** The library's taxonomy (scenarios/README.md): one layer, one or more symptoms, one trigger, then free tags. */
export const LAYERS = [
  'app-config',
  'workload-spec',
  'service-routing',
  'network',
  'scheduling',
  'capacity',
  'control-plane',
  'identity-security',
  'dependency',
  'data',
] as const;
export const SYMPTOMS = [
  'errors',
  'latency',
  'unavailable',
  'crashloop',
  'pending',
  'partial',
  'intermittent',
  'silent',
  'cascading',
] as const;
export const TRIGGERS = ['change', 'load', 'infrastructure', 'time', 'dependency-change', 'latent'] as const;
export const TAXONOMY_TAGS: readonly string[] = [...LAYERS, ...SYMPTOMS, ...TRIGGERS];

/** The fields a submitted report must fill (a draft may leave any empty). */
export const REQUIRED_REPORT_FIELDS = ['title', 'whatFailed', 'impact', 'detection', 'trigger', 'timeline'] as const;

/** Longest text a report field takes; longer is refused (400), not cut. */
export const REPORT_TEXT_LIMIT = 8000;
export const REPORT_TITLE_LIMIT = 200;
