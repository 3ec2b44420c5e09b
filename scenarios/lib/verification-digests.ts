// What a remediation's verification ran against, as content digests: the scenario's definition, its system
// (definition and manifests) and the remediation's commands. A verification whose digests differ from the
// library's and the remediation's current ones is stale, and is run again.
import { createHash } from 'node:crypto';
import type { Library } from './load.ts';
import { manifestsSha256 } from './manifests-digest.ts';

export interface VerificationDigests {
  scenario: string;
  system: string;
  commands: string;
  /** All three in one, 16 hex digits: part of the verification's workflow id. */
  combined: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** JSON with object keys sorted: the same definition gives the same text whatever order its YAML had. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export function commandsDigest(commands: string[]): string {
  return sha256(JSON.stringify(commands));
}

/** The digests of a verification of `commands` on this scenario and system of the library; undefined when either is gone. */
export function verificationDigests(library: Library, scenarioId: string, systemId: string, commands: string[]): VerificationDigests | undefined {
  const scenario = library.scenarios.get(scenarioId);
  const system = library.systems.get(systemId);
  if (!scenario || !system) return undefined;
  const digests = {
    scenario: sha256(canonicalJson(scenario)),
    system: sha256(`${canonicalJson(system.system)}\n${manifestsSha256(system.manifests)}`),
    commands: commandsDigest(commands),
  };
  return { ...digests, combined: sha256(`${digests.scenario}:${digests.system}:${digests.commands}`).slice(0, 16) };
}
