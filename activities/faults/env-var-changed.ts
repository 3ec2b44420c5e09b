// A configuration change: one environment variable of the container gets a wrong value, so the app cannot start.
import { containerFault } from './container-fault.ts';

export const envVarChanged = containerFault('env-var-changed', ['env'], (container, { name, value }) => {
  const env = (container.env ?? []).filter((e) => e.name !== name);
  container.env = [...env, { name, value }];
  return `container ${container.name} env ${name} changed`;
});
