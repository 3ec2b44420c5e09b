// Error types the session workflow's retry policies know by name; activities throw them. Pure constants,
// so both the deterministic workflow and the activities import this one list.
export const ErrorType = {
  ScenarioNotFound: 'ScenarioNotFound',
  SystemNotFound: 'SystemNotFound',
  InvalidManifest: 'InvalidManifest',
  /** The system's manifests differ from those the session was created with. */
  SystemChanged: 'SystemChanged',
  FaultTargetMissing: 'FaultTargetMissing',
  ConditionTimedOut: 'ConditionTimedOut',
  UnknownRevertTarget: 'UnknownRevertTarget',
  /** Sumo Logic settings that cannot work (wrong deployment, refused credentials). */
  SumoConfigError: 'SumoConfigError',
} as const;

/** Permanent faults: retrying cannot help, so the session fails (and tears down) at once. */
export const NON_RETRYABLE_ERROR_TYPES: string[] = [
  ErrorType.ScenarioNotFound,
  ErrorType.SystemNotFound,
  ErrorType.InvalidManifest,
  ErrorType.SystemChanged,
  ErrorType.FaultTargetMissing,
  ErrorType.ConditionTimedOut,
  ErrorType.UnknownRevertTarget,
  ErrorType.SumoConfigError,
];
