// Labels on everything the engine creates, so the sweeper can find what belongs to which session.
export const SESSION_LABEL = 'failurelib.dev/session';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'failurelib';
/** The field manager of the system's deploy, as a real cluster would show it (never the engine's name: Challenge mode). */
export const DEPLOY_FIELD_MANAGER = 'helm';
export const PARTICIPANT_ACCOUNT = 'participant';

export function sandboxNamespace(sessionId: string): string {
  return `fl-${sessionId.replaceAll('-', '').slice(0, 20)}`;
}

export function sessionLabels(sessionId: string): Record<string, string> {
  return { [SESSION_LABEL]: sessionId, [MANAGED_BY_LABEL]: MANAGED_BY };
}

/** Prefix of every label and annotation key the engine writes: hidden from participants in Challenge mode. */
export const ENGINE_KEY_PREFIX = 'failurelib.dev/';
/** Prefix of the simulated cluster's annotations (a workload's simulated needs): they would give the fault away. */
export const SIM_KEY_PREFIX = 'sim.failurelib.dev/';

export function isEngineKey(key: string): boolean {
  return key.startsWith(ENGINE_KEY_PREFIX) || key.startsWith(SIM_KEY_PREFIX);
}
/** Marks objects the fault engine creates (the fault itself): invisible to participants in Challenge mode. */
export const FAULT_LABEL = 'failurelib.dev/fault';
/** Label on cluster-scoped objects a fault creates or touches: the sandbox namespace they belong to (see cluster-scoped.ts). */
export const SANDBOX_LABEL = 'failurelib.dev/sandbox';
/** The engine's load generator in every sandbox (Deployment, Service, ConfigMap, NetworkPolicy): participants cannot change it. */
export const LOAD_GENERATOR_NAME = 'load-generator';
/** Marks the load generator's objects and pods: hidden from participants in Challenge mode like the fault engine. */
export const LOAD_GENERATOR_LABEL = 'failurelib.dev/load-generator';
