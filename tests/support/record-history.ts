// Saves a finished session's Temporal history into tests/histories/ for the replay test, when
// FL_RECORD_HISTORIES=1. Histories are recorded from real runs and committed; replaying them keeps
// changes to the workflow compatible with sessions already running.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../../infra/lib/tools.ts';

export const HISTORIES_DIR = join(import.meta.dirname, '..', 'histories');

export function recordHistory(temporalAddress: string, workflowId: string, name: string): void {
  if (process.env.FL_RECORD_HISTORIES !== '1') return;
  // The CLI's JSON is the canonical history format that historyFromJSON reads.
  const json = execFileSync(requireTool('temporal'), [
    'workflow',
    'show',
    '--address',
    temporalAddress,
    '--workflow-id',
    workflowId,
    '--output',
    'json',
  ]);
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), json);
}
