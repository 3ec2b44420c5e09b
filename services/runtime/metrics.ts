// Prometheus metrics (prom-client): requests and their duration per route, plus the process defaults; every
// series carries the service's name as the default label `service`.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();

const requests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests served, by route, method and status code.',
  labelNames: ['route', 'method', 'code'] as const,
  registers: [registry],
});

const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by route and method.',
  labelNames: ['route', 'method'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export function startMetrics(service: string): void {
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
}

export function observeRequest(route: string, method: string, code: number, seconds: number): void {
  requests.inc({ route, method, code: String(code) });
  duration.observe({ route, method }, seconds);
}
