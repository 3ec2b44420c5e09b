// The config checksum a Deployment's pod template carries for a Secret or ConfigMap it reads (the Helm
// `checksum/<name>` convention): a changed config rolls the pods, and the sim compares it with what the
// workload declares it needs (see scenarios/README.md).
import { createHash } from 'node:crypto';

/** Over the plain-text values, sorted by key; 16 hex digits are plenty to tell configurations apart. */
export function configChecksum(data: Record<string, string>): string {
  const canonical = Object.keys(data).sort().map((key) => `${key}=${data[key]}`).join('\n');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export function checksumAnnotation(configName: string): string {
  return `checksum/${configName}`;
}
