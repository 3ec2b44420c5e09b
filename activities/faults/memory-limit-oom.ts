// A memory limit below the working set: the container is OOM-killed as it starts, again and again.
import { containerFault } from './container-fault.ts';

export const memoryLimitOom = containerFault('memory-limit-oom', ['resources'], (container, { memory }) => {
  const requests = { ...container.resources?.requests };
  if (requests.memory) requests.memory = memory;
  container.resources = { ...container.resources, requests, limits: { ...container.resources?.limits, memory } };
  return `container ${container.name} memory limit set to ${memory}`;
});
