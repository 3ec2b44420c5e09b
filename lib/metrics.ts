// Prometheus metrics of the API (with the kube gateway) and the worker: one registry per process, with the
// process's own (memory, CPU, event loop lag) under failurelib_. Served by the API at /metrics (loopback and
// FL_METRICS_ALLOW only) and by the worker's metrics server (FL_WORKER_METRICS_PORT).
import { BlockList, isIP } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'failurelib_' });

/** Requests the kube gateway answered, by HTTP method (UPGRADE for exec, attach and port-forward) and status. */
export const gatewayRequests = new Counter({
  name: 'failurelib_gateway_requests_total',
  help: 'Requests the kube gateway answered, by method and HTTP status',
  labelNames: ['method', 'code'] as const,
  registers: [registry],
});

/** Activities the worker ran, and those that failed (a retry counts again), by activity type. */
export const activityExecutions = new Counter({
  name: 'failurelib_activity_executions_total',
  help: 'Activity executions started by this worker, by activity type',
  labelNames: ['activity'] as const,
  registers: [registry],
});
export const activityFailures = new Counter({
  name: 'failurelib_activity_failures_total',
  help: 'Activity executions that failed (each attempt), by activity type and whether Temporal will retry it',
  labelNames: ['activity', 'retryable'] as const,
  registers: [registry],
});

/** Whether a client address may read /metrics: loopback always, else only inside one of `allowed` (CIDRs). */
export function metricsAccess(allowed: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  for (const entry of allowed) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(address, prefix === undefined ? (type === 'ipv6' ? 128 : 32) : Number(prefix), type);
  }
  return (address) => {
    if (!address) return false;
    const mapped = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    return list.check(mapped, isIP(mapped) === 6 ? 'ipv6' : 'ipv4');
  };
}

/** Sessions in the read model by phase (the API sets it from the database on each scrape). */
export const sessionsByPhase = new Gauge({
  name: 'failurelib_sessions',
  help: 'Sessions by phase, from the database (every API replica reports the same numbers)',
  labelNames: ['phase'] as const,
  registers: [registry],
});

/** Requests the API answered, by method, route pattern and status. */
export const apiRequests = new Counter({
  name: 'failurelib_api_requests_total',
  help: 'HTTP requests the API answered, by method, route and status',
  labelNames: ['method', 'route', 'code'] as const,
  registers: [registry],
});
