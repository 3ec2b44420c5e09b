// The scenario library's format: one schema per document kind, the TypeScript types derived from it.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { SlaStatusSchema } from '../../domain/session-schemas.ts';
import { FaultSchema, Labels, Name } from './fault-schema.ts';

const Metadata = Type.Object({ name: Name }, { additionalProperties: false });

/** A K8s-style document of the library: `apiVersion`, `kind`, `metadata.name` and a kind-specific spec. */
function documentSchema<K extends string, S extends TSchema>(kind: K, spec: S) {
  return Type.Object({ apiVersion: Type.Literal('failurelib.dev/v1'), kind: Type.Literal(kind), metadata: Metadata, spec }, { additionalProperties: false });
}

/** A state predicate over the sandbox, read from cluster state (works on every driver, including sim). */
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'sha256 of the value, hex' });
function predicate<K extends string, S extends TSchema>(key: K, args: S) {
  return Type.Object({ [key]: args } as Record<K, S>, { additionalProperties: false });
}
const strict = { additionalProperties: false } as const;

const LeafPredicates = [
  /** The Deployment has at least `minAvailable` available replicas. */
  predicate('deploymentAvailable', Type.Object({ name: Name, minAvailable: Type.Integer({ minimum: 1, default: 1 }) }, strict)),
  /** The Deployment's rollout is complete: every desired replica updated and available. */
  predicate('deploymentRolledOut', Type.Object({ name: Name }, strict)),
  /** A container of the Deployment's pod template runs this image. */
  predicate('deploymentImage', Type.Object({ name: Name, container: Type.Optional(Name), image: Type.String({ minLength: 1 }) }, strict)),
  /** A container of the Deployment's pod template has this environment variable with this literal value. */
  predicate('deploymentEnv', Type.Object({ name: Name, container: Type.Optional(Name), env: Type.String({ minLength: 1 }), value: Type.String() }, strict)),
  /** The Service has at least one ready endpoint. */
  predicate('serviceHasReadyEndpoints', Type.Object({ name: Name }, strict)),
  /** Traffic inside the namespace reaches a ready pod through the Service: selector, targetPort and NetworkPolicies allow it. */
  predicate('serviceReachable', Type.Object({ name: Name, minPods: Type.Integer({ minimum: 1, default: 1 }) }, strict)),
  /** At least `min` pods matching the labels are Ready. */
  predicate('podsReady', Type.Object({ selector: Labels, min: Type.Integer({ minimum: 1, default: 1 }) }, strict)),
  /** No pod matching the labels (every pod when omitted) is Pending or waiting in a back-off (CrashLoopBackOff, ImagePullBackOff). */
  predicate('podsHealthy', Type.Object({ selector: Type.Optional(Labels) }, strict)),
  /** A key of a Secret or ConfigMap holds the value with this sha256 (so the scenario does not spell the value out). */
  predicate('configKeyHash', Type.Object({ kind: Type.Union([Type.Literal('Secret'), Type.Literal('ConfigMap')]), name: Name, key: Type.String({ minLength: 1 }), sha256: Sha256 }, strict)),
  /** The HorizontalPodAutoscaler may run at least `replicas` replicas. */
  predicate('hpaAllows', Type.Object({ name: Name, replicas: Type.Integer({ minimum: 1 }) }, strict)),
];
const LeafPredicateSchema = Type.Union(LeafPredicates);

export const PredicateSchema = Type.Union([
  ...LeafPredicates,
  /** Holds when any of the listed predicates holds (e.g. a service in either of two clouds). */
  predicate('anyOf', Type.Array(LeafPredicateSchema, { minItems: 2 })),
]);
export type Predicate = Static<typeof PredicateSchema>;

/** Bounds a measured SLI must stay within to be green (either or both). */
const Bounds = { min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()) };

/** Extra cluster-state SLIs of one deployment, read by the kube-state provider beside the predicate. */
export const KubeStateSliSchema = Type.Object({
  deployment: Name,
  /** available / desired replicas must be at least this. */
  minAvailableRatio: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  /** container restarts summed over the deployment's pods. */
  maxRestarts: Type.Optional(Type.Integer({ minimum: 0 })),
  /** containers whose last termination was OOMKilled. */
  maxOomKilled: Type.Optional(Type.Integer({ minimum: 0 })),
  maxPendingPods: Type.Optional(Type.Integer({ minimum: 0 })),
}, { additionalProperties: false });

/** Synthetic HTTP checks of an entry service with fresh requests. */
export const ProbeSliSchema = Type.Object({
  service: Name,
  path: Type.String({ pattern: '^/', default: '/' }),
  minSuccessRate: Type.Number({ minimum: 0, maximum: 1, default: 0.99 }),
  maxP95Ms: Type.Optional(Type.Integer({ minimum: 1 })),
  maxP99Ms: Type.Optional(Type.Integer({ minimum: 1 })),
}, { additionalProperties: false });

/** A PromQL instant query; `{{namespace}}` is replaced by the session's namespace. */
export const PrometheusSliSchema = Type.Object({
  query: Type.String({ minLength: 1 }),
  ...Bounds,
  /** What an empty result means (e.g. no error series yet): unknown unless said otherwise. */
  whenEmpty: Type.Optional(SlaStatusSchema),
}, { additionalProperties: false });

/**
 * A Sumo Logic SLI, evaluated for all sessions at once: a log search whose records carry `namespace` and
 * `value` (`... | avg(x) as value by namespace`), or a metrics query keeping the `namespace` dimension.
 * `{{namespaces}}` is replaced by `(namespace=a OR namespace=b …)` over the sessions being evaluated.
 */
export const SumoSliSchema = Type.Union([
  Type.Object({ search: Type.String({ minLength: 1 }), ...Bounds, windowSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 3600 })) }, { additionalProperties: false }),
  Type.Object({ metrics: Type.String({ minLength: 1 }), ...Bounds, windowSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 3600 })) }, { additionalProperties: false }),
]);

/**
 * The SLA as users feel it: a journey of the load generator (spec.loadGenerator.journeys) must succeed at least
 * `minSuccessRate` of the time with p95 latency within `maxP95Ms`, over the last `windowSeconds` of real runs.
 */
export const JourneySliSchema = Type.Object({
  name: Name,
  minSuccessRate: Type.Number({ minimum: 0, maximum: 1 }),
  maxP95Ms: Type.Optional(Type.Integer({ minimum: 1 })),
  windowSeconds: Type.Integer({ minimum: 5, maximum: 300 }),
}, { additionalProperties: false });

/**
 * An SLA objective. `kubeState` works everywhere (and is the fallback); the optional per-provider SLIs
 * are used when that provider is configured (`SLA_PROVIDER`). `weight` scales its error budget burn.
 */
export const ObjectiveSchema = Type.Object({
  name: Name,
  description: Type.String(),
  kubeState: PredicateSchema,
  weight: Type.Optional(Type.Number({ minimum: 0 })),
  kubeStateSlis: Type.Optional(KubeStateSliSchema),
  probe: Type.Optional(ProbeSliSchema),
  prometheus: Type.Optional(PrometheusSliSchema),
  sumo: Type.Optional(SumoSliSchema),
  journey: Type.Optional(JourneySliSchema),
}, { additionalProperties: false });
export type Objective = Static<typeof ObjectiveSchema>;

const HttpMethod = Type.Union([Type.Literal('GET'), Type.Literal('POST'), Type.Literal('PUT'), Type.Literal('PATCH'), Type.Literal('DELETE')]);

/** One request of a journey, to a Service of the system's namespace; `{user}` in path or body is the run's user. */
export const JourneyStepSchema = Type.Object({
  service: Name,
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  method: HttpMethod,
  path: Type.String({ pattern: '^/' }),
  body: Type.Optional(Type.Unknown()),
  /** The status that counts as success; any 2xx when omitted. */
  expectStatus: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
}, { additionalProperties: false });
export type JourneyStep = Static<typeof JourneyStepSchema>;

/** What one user does, played at a steady, bounded rate (at most 5 runs a second). */
export const JourneySchema = Type.Object({
  name: Name,
  ratePerSecond: Type.Number({ exclusiveMinimum: 0, maximum: 5 }),
  steps: Type.Array(JourneyStepSchema, { minItems: 1, maxItems: 10 }),
}, { additionalProperties: false });
export type Journey = Static<typeof JourneySchema>;

/** The real traffic of a sandbox: the engine deploys a load generator that plays these journeys (cluster/load-generator.ts). */
export const LoadGeneratorSchema = Type.Object({
  description: Type.Optional(Type.String({ minLength: 1 })),
  journeys: Type.Array(JourneySchema, { minItems: 1, maxItems: 8 }),
}, { additionalProperties: false });
export type LoadGenerator = Static<typeof LoadGeneratorSchema>;

export const SystemSchema = documentSchema('System', Type.Object({
    name: Type.String({ minLength: 1 }),
    description: Type.String({ minLength: 1 }),
    services: Type.Array(Name, { minItems: 1 }),
    /** Multi-document YAML beside system.yaml, applied into the session's namespace. */
    manifests: Type.String({ minLength: 1 }),
    objectives: Type.Array(ObjectiveSchema, { minItems: 1 }),
    /** The Services users reach the system through. */
    entryPoints: Type.Optional(Type.Array(Name, { minItems: 1 })),
    /** The traffic the engine plays into every sandbox; the `journey` objectives are measured from it. */
    loadGenerator: Type.Optional(LoadGeneratorSchema),
}, { additionalProperties: false }));
export type System = Static<typeof SystemSchema>;

export { FaultSchema, type Fault, type FaultType, type FaultOf, type FaultArgs } from './fault-schema.ts';

/**
 * What happens to the system, interpreted durably by the session workflow (like Chaos Mesh Workflows):
 * apply a fault, run steps in sequence or together, wait a duration, wait for a cluster condition, revert a fault.
 */
export const StepSchema = Type.Recursive((Self) => Type.Union([
  // `id` names a fault step so a later `revert` can undo it.
  Type.Object({ id: Type.Optional(Name), fault: FaultSchema }, { additionalProperties: false }),
  Type.Object({ serial: Type.Array(Self, { minItems: 1 }) }, { additionalProperties: false }),
  Type.Object({ parallel: Type.Array(Self, { minItems: 1 }) }, { additionalProperties: false }),
  Type.Object({ wait: Type.Object({ seconds: Type.Integer({ minimum: 1, maximum: 3600 }) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({
    waitUntil: Type.Object({ condition: PredicateSchema, timeoutSeconds: Type.Integer({ minimum: 1, maximum: 3600 }) }, { additionalProperties: false }),
  }, { additionalProperties: false }),
  Type.Object({ revert: Type.Object({ fault: Name }, { additionalProperties: false }) }, { additionalProperties: false }),
]), { $id: 'Step' });
export type Step = Static<typeof StepSchema>;

export const DifficultySchema = Type.Union([Type.Literal('easy'), Type.Literal('medium'), Type.Literal('hard')]);

export const ScenarioSchema = documentSchema('Scenario', Type.Object({
    title: Type.String({ minLength: 1 }),
    /** The authors' nickname for the scenario (CLI only). Participants never see it: it is public in the repository;
     * Challenge codenames are drawn per deployment and event (api/scenario-ids.ts). */
    codename: Type.String({ minLength: 1 }),
    systems: Type.Array(Name, { minItems: 1 }),
    difficulty: DifficultySchema,
    parTimeSeconds: Type.Integer({ minimum: 1 }),
    timeLimitSeconds: Type.Integer({ minimum: 1 }),
    tags: Type.Array(Type.String({ minLength: 1 })),
    source: Type.Object({ title: Type.String(), url: Type.String() }, { additionalProperties: false }),
    story: Type.String(),
    rootCause: Type.String({ minLength: 1 }),
    explanation: Type.String(),
    hints: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    steps: Type.Array(StepSchema, { minItems: 1 }),
    oracle: Type.Object({
      holdSeconds: Type.Integer({ minimum: 0 }),
      predicates: Type.Array(PredicateSchema, { minItems: 1 }),
    }, { additionalProperties: false }),
    solutions: Type.Array(Type.Object({ commands: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }) }, { additionalProperties: false }), { minItems: 1 }),
}, { additionalProperties: false }));
export type Scenario = Static<typeof ScenarioSchema>;
