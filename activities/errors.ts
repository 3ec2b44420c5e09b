// Error types the workflow and its retry policies know by name. Permanent faults are not retried.
export const ErrorType = {
  ScenarioNotFound: 'ScenarioNotFound',
  SystemNotFound: 'SystemNotFound',
  InvalidManifest: 'InvalidManifest',
  FaultTargetMissing: 'FaultTargetMissing',
  FaultNotConfirmed: 'FaultNotConfirmed',
} as const;

export const NON_RETRYABLE_ERROR_TYPES = [
  ErrorType.ScenarioNotFound,
  ErrorType.SystemNotFound,
  ErrorType.InvalidManifest,
  ErrorType.FaultTargetMissing,
];
