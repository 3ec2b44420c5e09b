// The reports API's shapes (contract: ../shared/design/ARCHITECTURE.md, "Failure reports and remediations").
import { Type, type Static } from '@sinclair/typebox';
import {
  REMEDIATION_STATUSES,
  REPORT_STATUSES,
  REPORT_TEXT_LIMIT,
  REPORT_TITLE_LIMIT,
  REVIEW_DECISIONS,
  VERIFICATION_TRIGGERS,
} from '../../domain/report-terms.ts';
import { PredicateSchema } from '../../scenarios/lib/schema.ts';

/** Prose may hold newlines and tabs, never other control characters (Postgres text cannot hold a NUL). */
const PROSE_PATTERN = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$';
const LINE_PATTERN = '^[^\\u0000-\\u001f\\u007f]*$';
const Prose = () => Type.String({ maxLength: REPORT_TEXT_LIMIT, pattern: PROSE_PATTERN });
const Line = (maxLength: number, minLength = 0) => Type.String({ minLength, maxLength, pattern: LINE_PATTERN });
/** A tag as scenarios spell them: lower-case words joined by dashes. */
export const TagSchema = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 40 });
const Id = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' });

export const ReportStatusSchema = Type.Union(REPORT_STATUSES.map((s) => Type.Literal(s)));
export const RemediationStatusSchema = Type.Union(REMEDIATION_STATUSES.map((s) => Type.Literal(s)));

export const EnvironmentSchema = Type.Object(
  {
    kubernetesVersion: Type.Optional(Line(40)),
    provider: Type.Optional(Line(100)),
    components: Type.Array(Line(80, 1), { maxItems: 30 }),
  },
  { additionalProperties: false },
);

/** What a reporter sends. Every field may be empty in a draft; submitting checks the required ones. */
export const ReportInputSchema = Type.Object(
  {
    title: Type.Optional(Line(REPORT_TITLE_LIMIT)),
    whatFailed: Type.Optional(Prose()),
    impact: Type.Optional(Prose()),
    detection: Type.Optional(Prose()),
    trigger: Type.Optional(Prose()),
    timeline: Type.Optional(Prose()),
    environment: Type.Optional(EnvironmentSchema),
    rootCause: Type.Optional(Prose()),
    remediationSteps: Type.Optional(Prose()),
    links: Type.Optional(Type.Array(Type.String({ format: 'uri', maxLength: 2000, pattern: '^https?://' }), { maxItems: 20 })),
    /** true keeps it a draft (nothing required yet); otherwise it is submitted for review. */
    draft: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ReportInput = Static<typeof ReportInputSchema>;

/** The client's key: the same key always means the same report (a retried or doubled submission adds nothing). */
export const IdempotencyHeadersSchema = Type.Object({
  'idempotency-key': Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' }),
});
export const OptionalIdempotencyHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' })),
});

export const ReportCreatedSchema = Type.Object({ id: Type.String(), status: ReportStatusSchema });

export const ReportSummarySchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  status: ReportStatusSchema,
  tags: Type.Array(Type.String()),
  components: Type.Array(Type.String()),
  scenarioId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
export type ReportSummary = Static<typeof ReportSummarySchema>;

export const SimilarSchema = Type.Object({
  kind: Type.Union([Type.Literal('report'), Type.Literal('scenario')]),
  id: Type.String(),
  title: Type.String(),
  score: Type.Number(),
  reasons: Type.Array(Type.String()),
});
export type Similar = Static<typeof SimilarSchema>;

/** One verification of a remediation: why it ran, the content digests it ran against, the commands, its verdict. */
export const VerificationSchema = Type.Object({
  sessionId: Type.String(),
  workflowId: Type.String(),
  trigger: Type.Union(VERIFICATION_TRIGGERS.map((t) => Type.Literal(t))),
  scenarioId: Type.String(),
  systemId: Type.String(),
  commands: Type.Array(Type.String()),
  digests: Type.Object({ scenario: Type.String(), system: Type.String(), commands: Type.String(), combined: Type.String() }),
  status: RemediationStatusSchema,
  reason: Type.Union([Type.String(), Type.Null()]),
  startedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});
export type Verification = Static<typeof VerificationSchema>;

export const RemediationSchema = Type.Object({
  id: Type.String(),
  reportId: Type.String(),
  summary: Type.String(),
  commands: Type.Array(Type.String()),
  status: RemediationStatusSchema,
  evidence: Type.Optional(Type.Object({ sessionId: Type.Union([Type.String(), Type.Null()]), reason: Type.String() })),
  /** Every verification, newest first (GET /api/remediations/:id): what it ran against and its verdict. */
  verifications: Type.Optional(Type.Array(VerificationSchema)),
  createdAt: Type.String(),
});
export type Remediation = Static<typeof RemediationSchema>;

/**
 * A verified remediation as machines read it (`GET /api/remediations/verified`, `failurelib remediate`): the commands
 * and the detection, i.e. what the broken state looks like. The detection applies to a namespace holding every object
 * of `appliesTo` (the system's Deployments and Services) and matches when any predicate of `brokenWhenAnyFails` (the
 * scenario's oracle) fails there.
 */
export const VerifiedRemediationSchema = Type.Object({
  id: Type.String(),
  reportId: Type.String(),
  title: Type.String(),
  url: Type.String(),
  tags: Type.Array(Type.String()),
  summary: Type.String(),
  commands: Type.Array(Type.String()),
  verifiedAt: Type.String(),
  evidence: Type.Object({ sessionId: Type.Union([Type.String(), Type.Null()]), reason: Type.String() }),
  detection: Type.Object({
    scenarioId: Type.String(),
    systemId: Type.String(),
    appliesTo: Type.Array(Type.Object({ kind: Type.String(), name: Type.String() })),
    brokenWhenAnyFails: Type.Array(PredicateSchema),
  }),
});
export type VerifiedRemediation = Static<typeof VerifiedRemediationSchema>;

export const ReportSchema = Type.Object({
  id: Type.String(),
  status: ReportStatusSchema,
  title: Type.String(),
  whatFailed: Type.String(),
  impact: Type.String(),
  detection: Type.String(),
  trigger: Type.String(),
  timeline: Type.String(),
  environment: Type.Object({
    kubernetesVersion: Type.Optional(Type.String()),
    provider: Type.Optional(Type.String()),
    components: Type.Array(Type.String()),
  }),
  rootCause: Type.Union([Type.String(), Type.Null()]),
  remediationSteps: Type.Union([Type.String(), Type.Null()]),
  links: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  suggestedTags: Type.Array(Type.String()),
  scenarioId: Type.Union([Type.String(), Type.Null()]),
  sessionId: Type.Union([Type.String(), Type.Null()]),
  /** How the failure behaved, as similarity compares it (SLA objectives red, conditions, fix steps). */
  behaviour: Type.Array(Type.String()),
  duplicateOf: Type.Union([Type.String(), Type.Null()]),
  duplicates: Type.Array(Type.String()),
  remediations: Type.Array(RemediationSchema),
  similar: Type.Array(SimilarSchema),
  createdAt: Type.String(),
  publishedAt: Type.Union([Type.String(), Type.Null()]),
});
export type ReportDto = Static<typeof ReportSchema>;

export const ReportListQuerySchema = Type.Object(
  {
    q: Type.Optional(Line(200)),
    tag: Type.Optional(TagSchema),
    status: Type.Optional(ReportStatusSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

export const ReviewSchema = Type.Object(
  {
    status: Type.Union(REVIEW_DECISIONS.map((s) => Type.Literal(s))),
    tags: Type.Optional(Type.Array(TagSchema, { maxItems: 20 })),
    duplicateOf: Type.Optional(Id),
    scenarioId: Type.Optional(Id),
    /** A session the failure was reproduced in: its SLA timeline and kubectl steps become the report's behaviour. */
    sessionId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type Review = Static<typeof ReviewSchema>;

export const CreateRemediationSchema = Type.Object(
  {
    summary: Type.String({ minLength: 1, maxLength: REPORT_TEXT_LIMIT, pattern: PROSE_PATTERN }),
    commands: Type.Array(Type.String({ minLength: 1, maxLength: 4000, pattern: '^kubectl\\s[^\\u0000-\\u0008\\u000b-\\u001f\\u007f]*$' }), {
      minItems: 1,
      maxItems: 30,
    }),
  },
  { additionalProperties: false },
);

/** A reviewer's edit: the summary, the commands or both (new commands are verified again). */
export const EditRemediationSchema = Type.Object(
  {
    summary: Type.Optional(CreateRemediationSchema.properties.summary),
    commands: Type.Optional(CreateRemediationSchema.properties.commands),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const AuditEntrySchema = Type.Object({
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  changes: Type.Record(Type.String(), Type.Object({ before: Type.Optional(Type.Unknown()), after: Type.Optional(Type.Unknown()) })),
});

export const ReportIdParams = Type.Object({ id: Id });
