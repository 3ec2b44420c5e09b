// Generates infra/sim-cluster/kwok-stages.yaml: how kwok fakes nodes and pods in the simulated cluster.
// Pods fail the way they would on a real kubelet, decided from the pod object alone (kwok sees nothing else):
// an image missing from the simulated registry, or a container given less than its declared needs
// (`sim.failurelib.dev/*` annotations, see scenarios/README.md). Regenerate with `failurelib sim-stages`.

const NEEDS = 'sim.failurelib.dev';

/**
 * One jq program (kwok evaluates selectors with gojq) that names what happens to a pod: image-missing,
 * oom-killed, crash, liveness-killed, throttled or healthy. Only the pod's first container has needs.
 */
export function podVerdict(registry: string[]): string {
  return [
    'def qty: tostring | capture("^(?<n>[0-9.]+)(?<u>[a-zA-Z]*)$") | (.n | tonumber) * ({"": 1, "m": 0.001, "k": 1000, "M": 1000000, "G": 1000000000, "Ki": 1024, "Mi": 1048576, "Gi": 1073741824}[.u] // 1);',
    'def pairs: split(",") | map(select(length > 0) | capture("^(?<k>[^=]+)=(?<v>.*)$"));',
    '(.metadata.annotations // {}) as $a | .spec.containers[0] as $c',
    '| ([$c.env[]? | {(.name): (.value // "")}] | add // {}) as $env',
    `| if ([.spec.containers[].image] - ${JSON.stringify(registry)} | length) > 0 then "image-missing"`,
    `  elif ($a["${NEEDS}/needs-memory"] != null and $c.resources.limits.memory != null and ($c.resources.limits.memory | qty) < ($a["${NEEDS}/needs-memory"] | qty)) then "oom-killed"`,
    `  elif (($a["${NEEDS}/needs-env"] // "") | pairs | any(. as $p | $env[$p.k] != $p.v)) then "crash"`,
    `  elif (($a["${NEEDS}/needs-checksums"] // "") | pairs | any(. as $p | $a[$p.k] != $p.v)) then "crash"`,
    `  elif ($c.livenessProbe != null and $a["${NEEDS}/startup-seconds"] != null and (($c.livenessProbe.initialDelaySeconds // 0) + ($c.livenessProbe.periodSeconds // 10) * ($c.livenessProbe.failureThreshold // 3)) < ($a["${NEEDS}/startup-seconds"] | tonumber)) then "liveness-killed"`,
    `  elif ($a["${NEEDS}/needs-cpu"] != null and $c.resources.limits.cpu != null and ($c.resources.limits.cpu | qty) < ($a["${NEEDS}/needs-cpu"] | qty)) then "throttled"`,
    '  else "healthy" end',
  ].join(' ');
}

/** Both node stages report kwok's standard node conditions, stamped now. */
const NODE_CONDITIONS = String.raw`      conditions:
      {{ range NodeConditions }}
      - lastHeartbeatTime: {{ $now | Quote }}
        lastTransitionTime: {{ $now | Quote }}
        message: {{ .message | Quote }}
        reason: {{ .reason | Quote }}
        status: {{ .status | Quote }}
        type: {{ .type | Quote }}
      {{ end }}`;

const NODE_STAGES = String.raw`apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-initialize
spec:
  resourceRef: { apiGroup: v1, kind: Node }
  selector:
    matchExpressions:
      - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
        operator: NotIn
        values: ['True']
  next:
    statusTemplate: |
      {{ $now := Now }}
${NODE_CONDITIONS}
      addresses:
      {{ with NodeIP }}
      - address: {{ . | Quote }}
        type: InternalIP
      {{ end }}
      {{ with NodeName }}
      - address: {{ . | Quote }}
        type: Hostname
      {{ end }}
      allocatable:
      {{ YAML .status.allocatable 1 }}
      capacity:
      {{ YAML .status.capacity 1 }}
      phase: Running
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-heartbeat
spec:
  resourceRef: { apiGroup: v1, kind: Node }
  selector:
    matchExpressions:
      - key: '.status.phase'
        operator: In
        values: ['Running']
      - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
        operator: In
        values: ['True']
  delay:
    durationMilliseconds: 20000
    jitterDurationMilliseconds: 25000
  next:
    statusTemplate: |
      {{ $now := Now }}
${NODE_CONDITIONS}
  immediateNextStage: true
`;

const POD_DELETE = String.raw`---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-delete
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
      - key: '.metadata.deletionTimestamp'
        operator: Exists
  next:
    delete: true
`;

// Addresses are assigned once: a stage that plays again must not add a second pod IP.
const POD_ADDRESSES = String.raw`      {{ if not .status.podIP }}
      {{ $hostIPs := NodeIPsWith .spec.nodeName }}
      {{ with $hostIPs }}
      hostIP: {{ index . 0 | Quote }}
      {{ end }}
      {{ $podIPs := PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
      {{ with $podIPs }}
      podIP: {{ index . 0 | Quote }}
      podIPs:
      {{ range . }}
      - ip: {{ . | Quote }}
      {{ end }}
      {{ end }}
      {{ end }}`;

function conditions(ready: boolean): string {
  const status = ready ? '"True"' : '"False"';
  return String.raw`      conditions:
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Initialized
      - lastTransitionTime: {{ $now | Quote }}
        status: ${status}
        type: Ready
      - lastTransitionTime: {{ $now | Quote }}
        status: ${status}
        type: ContainersReady
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: PodScheduled`;
}

interface PodStage {
  name: string;
  /** Match again right after applying (kwok does not replay its own status writes otherwise). */
  repeat?: boolean;
  verdicts: string[];
  /** Extra selector lines (already indented) so a stage that sets a final state is not applied again. */
  once?: string;
  delayMs: number;
  event?: { type: string; reason: string; message: string };
  status: string;
}

function stage(verdict: string, { name, verdicts, once = '', delayMs, event, status, repeat = false }: PodStage): string {
  const eventBlock = event
    ? `    event:\n      type: ${event.type}\n      reason: ${event.reason}\n      message: ${JSON.stringify(event.message)}\n`
    : '';
  return `---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: ${name}
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
      - key: '.metadata.deletionTimestamp'
        operator: DoesNotExist
      - key: ${JSON.stringify(verdict)}
        operator: In
        values: ${JSON.stringify(verdicts)}
${once}  delay:
    durationMilliseconds: ${delayMs}
    jitterDurationMilliseconds: ${Math.round(delayMs / 2)}
  next:
${eventBlock}    statusTemplate: |
      {{ $now := Now }}
${status}
${POD_ADDRESSES}
${repeat ? '  immediateNextStage: true\n' : ''}`;
}

/** Every container started; Ready only when the pod is healthy (a throttled one fails its readiness probe). */
function running(ready: boolean): string {
  return String.raw`${conditions(ready)}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: ${ready}
        started: true
        restartCount: 0
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}
      phase: Running
      startTime: {{ $now | Quote }}`;
}

/** Restarts forever: each application bumps restartCount, which matches the stage again after its delay. */
function crashLoop(name: string, verdict: string, reason: string, exitCode: number, message: string): PodStage {
  return {
    name,
    verdicts: [verdict],
    delayMs: 10000,
    repeat: true,
    event: { type: 'Warning', reason: 'BackOff', message },
    status: String.raw`${conditions(false)}
      containerStatuses:
      {{ range $index, $container := .spec.containers }}
      {{ $restarts := 0 }}
      {{ range $.status.containerStatuses }}{{ if eq .name $container.name }}{{ $restarts = .restartCount }}{{ end }}{{ end }}
      - image: {{ $container.image | Quote }}
        name: {{ $container.name | Quote }}
        ready: false
        started: false
        restartCount: {{ add1 $restarts }}
        lastState:
          terminated:
            exitCode: ${exitCode}
            reason: ${reason}
            finishedAt: {{ $now | Quote }}
        state:
          waiting:
            reason: CrashLoopBackOff
            message: ${JSON.stringify(message)}
      {{ end }}
      phase: Running
      startTime: {{ or .status.startTime $now | Quote }}`,
  };
}

export function renderKwokStages(registry: string[]): string {
  const verdict = podVerdict([...new Set(registry)].sort());
  const pods: PodStage[] = [
    {
      name: 'pod-ready',
      verdicts: ['healthy'],
      delayMs: 0,
      once: `      - key: '.status.phase'\n        operator: In\n        values: ['Pending']\n      - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'\n        operator: NotIn\n        values: ['True']\n`,
      status: running(true),
    },
    {
      name: 'pod-image-pull-backoff',
      verdicts: ['image-missing'],
      delayMs: 1000,
      once: `      - key: '.status.containerStatuses.[0].state.waiting.reason'\n        operator: NotIn\n        values: ['ImagePullBackOff']\n`,
      event: { type: 'Warning', reason: 'Failed', message: 'Failed to pull image: manifest unknown (not found in the registry)' },
      status: String.raw`${conditions(false)}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        started: false
        restartCount: 0
        state:
          waiting:
            reason: ImagePullBackOff
            message: {{ printf "Back-off pulling image %s: not found" .image | Quote }}
      {{ end }}
      phase: Pending`,
    },
    crashLoop('pod-crash-loop', 'crash', 'Error', 1, 'Back-off restarting failed container (exit code 1)'),
    crashLoop('pod-oom-killed', 'oom-killed', 'OOMKilled', 137, 'Back-off restarting failed container (OOMKilled)'),
    crashLoop(
      'pod-liveness-killed',
      'liveness-killed',
      'Error',
      137,
      'Liveness probe failed: container restarted before it finished starting',
    ),
    {
      name: 'pod-throttled',
      verdicts: ['throttled'],
      delayMs: 1000,
      once: `      - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'\n        operator: NotIn\n        values: ['False']\n`,
      event: { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: context deadline exceeded (CPU throttled)' },
      status: running(false),
    },
  ];
  const header =
    '# GENERATED by `failurelib sim-stages` from infra/sim-cluster/kwok-stages.ts: do not edit by hand.\n' +
    '# How kwok fakes nodes and pods: nodes become Ready and keep a heartbeat; a pod becomes Ready, or fails the\n' +
    '# way a kubelet would report it when its image is missing or it gets less than it declares it needs.\n';
  return header + NODE_STAGES + pods.map((pod) => stage(verdict, pod)).join('') + POD_DELETE;
}
