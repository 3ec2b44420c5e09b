// A CPU limit below what the service needs: CFS throttling makes it too slow to pass its readiness checks.
import { containerFault } from './container-fault.ts';

export const cpuLimitThrottling = containerFault('cpu-limit-throttling', ['resources'], (container, { cpu }) => {
  const requests = { ...container.resources?.requests };
  // A request above the limit is rejected by the API server; lower it with the limit.
  if (requests.cpu) requests.cpu = cpu;
  container.resources = { ...container.resources, requests, limits: { ...container.resources?.limits, cpu } };
  return `container ${container.name} cpu limit set to ${cpu}`;
});
