// Which objects a reference solution's kubectl commands name, so the validator can check that they exist.
const KINDS: Record<string, string> = {
  deployment: 'Deployment', deployments: 'Deployment', deploy: 'Deployment',
  service: 'Service', services: 'Service', svc: 'Service',
  secret: 'Secret', secrets: 'Secret',
  configmap: 'ConfigMap', configmaps: 'ConfigMap', cm: 'ConfigMap',
  networkpolicy: 'NetworkPolicy', networkpolicies: 'NetworkPolicy', netpol: 'NetworkPolicy',
  hpa: 'HorizontalPodAutoscaler', horizontalpodautoscaler: 'HorizontalPodAutoscaler', horizontalpodautoscalers: 'HorizontalPodAutoscaler',
  resourcequota: 'ResourceQuota', resourcequotas: 'ResourceQuota', quota: 'ResourceQuota',
  statefulset: 'StatefulSet', statefulsets: 'StatefulSet', sts: 'StatefulSet',
};
/** Verbs whose first argument is the object; `rollout` and `set` take a sub-verb first. */
const OBJECT_VERBS = new Set(['get', 'describe', 'delete', 'patch', 'edit', 'scale', 'label', 'annotate']);
const SUB_VERBS = new Set(['rollout', 'set']);
const FLAGS_WITH_VALUE = new Set(['-p', '--patch', '-o', '--output', '--type', '-f', '--filename', '-l', '--selector', '-n', '--namespace', '-c', '--container']);

export interface ObjectRef { kind: string; name: string }

function tokens(command: string): string[] {
  return command.replace(/[|;]/g, ' ').match(/'[^']*'|"(?:\\.|[^"\\])*"|\S+/g) ?? [];
}

/** The command and every command substitution `$(…)` in it (even inside quotes), each on its own. */
function commandsIn(command: string): string[] {
  const inner = [...command.matchAll(/\$\(([^()]*)\)/g)].map((match) => match[1]!);
  return [command.replace(/\$\(([^()]*)\)/g, 'SUBST'), ...inner];
}

/** Every `kubectl <verb> <kind>/<name>` or `kubectl <verb> <kind> <name>` in the command, pipes and $(…) included. */
export function kubectlObjectRefs(command: string): ObjectRef[] {
  return commandsIn(command).flatMap(refsIn);
}

function refsIn(command: string): ObjectRef[] {
  const all = tokens(command);
  const refs: ObjectRef[] = [];
  all.forEach((token, index) => {
    if (token !== 'kubectl') return;
    const positional: string[] = [];
    for (let i = index + 1; i < all.length && all[i] !== 'kubectl'; i += 1) {
      const t = all[i]!;
      if (t.startsWith('-')) {
        if (FLAGS_WITH_VALUE.has(t)) i += 1;
        continue;
      }
      positional.push(t);
    }
    const [verb] = positional;
    const at = verb && OBJECT_VERBS.has(verb) ? 1 : verb && SUB_VERBS.has(verb) ? 2 : -1;
    const resource = at >= 0 ? positional[at] : undefined;
    if (!resource) return;
    const [kindWord, nameFromSlash] = resource.split('/');
    const kind = KINDS[kindWord!.toLowerCase()];
    const name = nameFromSlash ?? positional[at + 1];
    if (kind && name) refs.push({ kind, name });
  });
  return refs;
}
