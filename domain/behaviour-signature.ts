// A failure's behaviour as a set of tokens the database compares (array overlap, GIN-indexed): which SLA objectives
// went red and which first, how long they stayed red, the Kubernetes conditions seen (CrashLoopBackOff, OOMKilled,
// FailedScheduling…) and the kubectl steps of the fix (verb and resource). Built from a session's recording or a
// scenario's definition; two failures that behave alike share tokens whatever words their reports use.
// Pure: no imports, no I/O.

/** Token prefixes, so a reason can say what was shared. */
export const BEHAVIOUR_KINDS = {
  red: 'red:',
  firstRed: 'first-red:',
  redFor: 'red-for:',
  condition: 'condition:',
  fix: 'fix:',
} as const;

/** How long the SLA stayed red, in buckets coarse enough for two failures of the same cause to share one. */
export function redDurationBucket(seconds: number): string {
  if (seconds < 60) return 'under-1m';
  if (seconds < 300) return '1-5m';
  if (seconds < 900) return '5-15m';
  return 'over-15m';
}

/** kubectl's short names and plurals → the singular resource kind a fix step is keyed by. */
const RESOURCE_ALIASES: Record<string, string> = {
  deploy: 'deployment',
  deployments: 'deployment',
  svc: 'service',
  services: 'service',
  cm: 'configmap',
  configmaps: 'configmap',
  secrets: 'secret',
  po: 'pod',
  pods: 'pod',
  netpol: 'networkpolicy',
  networkpolicies: 'networkpolicy',
  hpa: 'horizontalpodautoscaler',
  horizontalpodautoscalers: 'horizontalpodautoscaler',
  quota: 'resourcequota',
  resourcequotas: 'resourcequota',
  sts: 'statefulset',
  statefulsets: 'statefulset',
  ds: 'daemonset',
  daemonsets: 'daemonset',
  ing: 'ingress',
  ingresses: 'ingress',
  no: 'node',
  nodes: 'node',
  ep: 'endpoints',
  validatingwebhookconfigurations: 'validatingwebhookconfiguration',
  mutatingwebhookconfigurations: 'mutatingwebhookconfiguration',
};

export function resourceKind(word: string): string {
  const kind = word.toLowerCase().split('.')[0]!;
  return RESOURCE_ALIASES[kind] ?? kind;
}

/** kubectl commands whose first argument after the verb is a sub-verb (`set resources`, `rollout undo`). */
const TWO_WORD_VERBS = new Set(['set', 'rollout', 'create', 'config', 'auth', 'certificate']);
/** Global flags whose value is the next word when written without `=`. */
const VALUE_FLAGS = new Set([
  '-n',
  '--namespace',
  '--context',
  '--cluster',
  '--kubeconfig',
  '-l',
  '--selector',
  '-c',
  '--container',
  '-o',
  '--output',
]);
/** Verbs that act on nodes without naming the kind. */
const NODE_VERBS = new Set(['cordon', 'uncordon', 'drain', 'taint']);

/**
 * The fix tokens of one kubectl command line: `fix:<verb>` and `fix:<verb>:<resource>`, e.g.
 * `kubectl set resources deployment/cart --limits=…` → fix:set-resources, fix:set-resources:deployment.
 * Anything that is not a kubectl command yields nothing.
 */
export function fixTokens(command: string): string[] {
  const words: string[] = [];
  const parts = command.trim().split(/\s+/);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.startsWith('-')) words.push(part);
    // `-n shop`, `--context prod`: the flag's value is no word of the command.
    else if (VALUE_FLAGS.has(part)) i++;
  }
  if (words[0] !== 'kubectl' || words.length < 2) return [];
  const verbWords = TWO_WORD_VERBS.has(words[1]!) && words[2] ? [words[1]!, words[2]] : [words[1]!];
  const verb = verbWords.join('-').toLowerCase();
  const target = words[1 + verbWords.length];
  const resource = NODE_VERBS.has(words[1]!) ? 'node' : target ? resourceKind(target.split('/')[0]!) : undefined;
  return [`${BEHAVIOUR_KINDS.fix}${verb}`, ...(resource && /^[a-z]+$/.test(resource) ? [`${BEHAVIOUR_KINDS.fix}${verb}:${resource}`] : [])];
}

/** One SLA reading: each objective's status and the SLIs measured beside it. */
export interface SlaTimelinePoint {
  at: Date;
  objectives: { name: string; status: string; slis?: Record<string, number> }[];
}

/** The conditions kube-state SLIs imply when above zero. */
const SLI_CONDITIONS: Record<string, string[]> = {
  oomKilled: ['OOMKilled', 'CrashLoopBackOff'],
  restarts: ['Restarting'],
  pendingPods: ['Pending'],
};

/**
 * The SLA timeline's tokens: every objective that went red, the first one(s) to go red, how long the SLA stayed red
 * in total (from the first red reading to the next all-green one, or the last reading), and the conditions its SLIs
 * show.
 */
export function timelineTokens(points: SlaTimelinePoint[]): string[] {
  const tokens = new Set<string>();
  const sorted = [...points].sort((a, b) => a.at.getTime() - b.at.getTime());
  let redSince: number | undefined;
  let redSeconds = 0;
  let firstRedSeen = false;
  for (const point of sorted) {
    const red = point.objectives.filter((o) => o.status === 'red');
    for (const objective of red) tokens.add(`${BEHAVIOUR_KINDS.red}${objective.name}`);
    if (red.length > 0 && !firstRedSeen) {
      firstRedSeen = true;
      for (const objective of red) tokens.add(`${BEHAVIOUR_KINDS.firstRed}${objective.name}`);
    }
    for (const objective of point.objectives)
      for (const [sli, value] of Object.entries(objective.slis ?? {}))
        if (value > 0) for (const condition of SLI_CONDITIONS[sli] ?? []) tokens.add(`${BEHAVIOUR_KINDS.condition}${condition}`);
    if (red.length > 0 && redSince === undefined) redSince = point.at.getTime();
    if (red.length === 0 && redSince !== undefined && point.objectives.length > 0) {
      redSeconds += (point.at.getTime() - redSince) / 1000;
      redSince = undefined;
    }
  }
  if (redSince !== undefined) redSeconds += (sorted.at(-1)!.at.getTime() - redSince) / 1000;
  if (firstRedSeen) tokens.add(`${BEHAVIOUR_KINDS.redFor}${redDurationBucket(redSeconds)}`);
  return [...tokens];
}

/**
 * The Kubernetes events and pod conditions each fault type brings about, as `kubectl describe` and
 * `kubectl get events` show them: what a scenario's session would see.
 */
export const FAULT_CONDITIONS: Record<string, string[]> = {
  'memory-limit-oom': ['OOMKilled', 'CrashLoopBackOff', 'Restarting'],
  'liveness-probe-too-aggressive': ['Unhealthy', 'Killing', 'CrashLoopBackOff', 'Restarting'],
  'nonexistent-image': ['ErrImagePull', 'ImagePullBackOff', 'Pending'],
  'node-affinity-unsatisfiable': ['FailedScheduling', 'Pending'],
  'resource-quota-too-small': ['FailedCreate', 'ExceededQuota'],
  'service-selector-mismatch': ['NoEndpoints'],
  'wrong-target-port': ['ConnectionRefused'],
  'scale-to-zero': ['NoEndpoints', 'ScaledToZero'],
  'network-policy-deny': ['ConnectionTimeout'],
  'cpu-limit-throttling': ['CPUThrottling', 'SlowResponses'],
  'hpa-max-too-low': ['AtMaxReplicas', 'SlowResponses'],
  'env-var-changed': ['UpstreamErrors'],
  'configmap-broken': ['CrashLoopBackOff', 'Restarting'],
  'secret-credentials-corrupted': ['AuthenticationFailed', 'UpstreamErrors'],
  'webhook-fail-closed': ['FailedCreate', 'FailedCallingWebhook'],
  'node-cordon-drain': ['NodeUnschedulable', 'Evicted', 'Pending'],
};

/** The conditions a fault type implies, as tokens (an unknown type implies none). */
export function faultConditionTokens(faultType: string): string[] {
  return (FAULT_CONDITIONS[faultType] ?? []).map((c) => `${BEHAVIOUR_KINDS.condition}${c}`);
}

/** A reason's words for the shared tokens: `red: cart-reachable; conditions: OOMKilled; fix: set-resources deployment`. */
export function describeShared(tokens: string[]): string {
  const of = (prefix: string) => tokens.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
  const parts = [
    ['went red', of(BEHAVIOUR_KINDS.red)],
    ['red first', of(BEHAVIOUR_KINDS.firstRed)],
    ['red for', of(BEHAVIOUR_KINDS.redFor)],
    ['conditions', of(BEHAVIOUR_KINDS.condition)],
    // fix:set-resources:deployment reads "set-resources deployment"; the verb alone is implied by it.
    ['fix', of(BEHAVIOUR_KINDS.fix).filter((f, _, all) => f.includes(':') || !all.some((o) => o.startsWith(`${f}:`)))],
  ] as const;
  return parts
    .filter(([, values]) => values.length > 0)
    .map(([label, values]) => `${label} ${values.map((v) => v.replace(':', ' ')).join(', ')}`)
    .join('; ');
}
