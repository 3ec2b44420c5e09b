// `failurelib schema`: JSON Schema files for editors, generated from the TypeBox schemas (one source of truth).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { ScenarioSchema, SystemSchema } from '../../scenarios/lib/schema.ts';
import { REPO_ROOT } from '../library-paths.ts';

export const SCHEMA_DIR = join(REPO_ROOT, 'scenarios', 'schema');

function document(name: string, schema: TSchema): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', $id: `https://failurelib.dev/schema/${name}`, ...schema }, null, 2)}\n`;
}

/** File name → content of every generated schema. */
export function jsonSchemas(): Record<string, string> {
  return {
    'scenario.schema.json': document('scenario.schema.json', ScenarioSchema),
    'system.schema.json': document('system.schema.json', SystemSchema),
  };
}

export function writeSchemas(out: (line: string) => void, dir = SCHEMA_DIR): number {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(jsonSchemas())) {
    writeFileSync(join(dir, name), content);
    out(`wrote ${join(dir, name)}`);
  }
  return 0;
}
