// The scenario library's format: one schema per document kind, the TypeScript types derived from it.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Name = Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 });
const Metadata = Type.Object({ name: Name }, { additionalProperties: false });

/** A K8s-style document of the library: `apiVersion`, `kind`, `metadata.name` and a kind-specific spec. */
function documentSchema<K extends string, S extends TSchema>(kind: K, spec: S) {
  return Type.Object({ apiVersion: Type.Literal('failurelib.dev/v1'), kind: Type.Literal(kind), metadata: Metadata, spec }, { additionalProperties: false });
}

/** A state predicate over the sandbox, read from cluster state (works on every driver, including sim). */
export const PredicateSchema = Type.Union([
  Type.Object({
    deploymentAvailable: Type.Object({ name: Name, minAvailable: Type.Integer({ minimum: 1, default: 1 }) }, { additionalProperties: false }),
  }, { additionalProperties: false }),
  Type.Object({
    serviceHasReadyEndpoints: Type.Object({ name: Name }, { additionalProperties: false }),
  }, { additionalProperties: false }),
]);
export type Predicate = Static<typeof PredicateSchema>;

export const ObjectiveSchema = Type.Object({
  name: Name,
  description: Type.String(),
  kubeState: PredicateSchema,
}, { additionalProperties: false });
export type Objective = Static<typeof ObjectiveSchema>;

export const SystemSchema = documentSchema('System', Type.Object({
    name: Type.String({ minLength: 1 }),
    description: Type.String({ minLength: 1 }),
    services: Type.Array(Name, { minItems: 1 }),
    /** Multi-document YAML beside system.yaml, applied into the session's namespace. */
    manifests: Type.String({ minLength: 1 }),
    objectives: Type.Array(ObjectiveSchema, { minItems: 1 }),
}, { additionalProperties: false }));
export type System = Static<typeof SystemSchema>;

export const FaultSchema = Type.Union([
  Type.Object({
    type: Type.Literal('scale-to-zero'),
    args: Type.Object({ deployment: Name }, { additionalProperties: false }),
  }, { additionalProperties: false }),
]);
export type Fault = Static<typeof FaultSchema>;

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
