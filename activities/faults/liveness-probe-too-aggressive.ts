// A liveness probe that gives up before the application has started: the kubelet restarts it forever.
import { containerFault } from './container-fault.ts';

export const livenessProbeTooAggressive = containerFault('liveness-probe-too-aggressive', ['livenessProbe'], (container, args) => {
  const port = container.ports?.[0]?.name ?? container.ports?.[0]?.containerPort ?? 8080;
  container.livenessProbe = {
    httpGet: { path: container.livenessProbe?.httpGet?.path ?? '/healthz', port },
    initialDelaySeconds: args.initialDelaySeconds,
    periodSeconds: args.periodSeconds,
    failureThreshold: args.failureThreshold,
    timeoutSeconds: args.timeoutSeconds,
  };
  return `container ${container.name} liveness probe after ${args.initialDelaySeconds}s, every ${args.periodSeconds}s, ${args.failureThreshold} failure(s)`;
});
