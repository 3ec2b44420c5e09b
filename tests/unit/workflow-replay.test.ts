// Replays recorded histories of real sessions (and of remediation verifications) against today's workflow code: a
// change that would break workflows already running (non-determinism) fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../worker/create-worker.ts';
import { HISTORIES_DIR } from '../support/record-history.ts';

const files = readdirSync(HISTORIES_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort();

describe('recorded scenarioSession histories', () => {
  it('are committed for every path, and for sessions started by the previous workflow version', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'completed-with-repair.json',
        'abandoned-in-ready.json',
        'abandoned-in-running.json',
        'timed-out-in-ready.json',
        'timed-out-running.json',
        'failed-injection.json',
        'v1-completed-with-repair.json',
        'v1-abandoned-in-ready.json',
        'v2-completed-with-repair.json',
        'v2-abandoned-in-ready.json',
        'v3-completed-with-repair.json',
        'v3-abandoned-in-ready.json',
        // verifyRemediation: before publication (a verified and a refuted verdict, no dispatch), one that
        // published its verified remediation (the publish-verified-remediation marker, dispatchPublications), and a
        // refuted one that retracted it (the same branch dispatching the remediation.retracted deliveries).
        'verify-remediation-v1-verified.json',
        'verify-remediation-v1-refuted.json',
        'verify-remediation-v2-verified-published.json',
        'verify-remediation-v2-refuted-retracted.json',
      ]),
    );
  });

  it('replay without non-determinism', { timeout: 120_000 }, async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8'))),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH, replayName: 'scenarioSession' }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
