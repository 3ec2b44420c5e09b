// `failurelib run <scenario> --system <id> [--mode learn|challenge] [--solve]`: a headless session against a
// running stack's API, with a progress line on every phase or SLA change. With --solve the scenario's first
// reference solution is run with the session's kubeconfig once the fault is in and the SLA has gone red; a
// fault that never turns the SLA red breaks nothing the SLA measures, so the run fails (and the session is
// abandoned) instead of "completing".
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { SessionDto } from '../../api/contract.ts';
import { challengeSecret, ScenarioIdentities } from '../../api/scenario-ids.ts';
import { loadConfig } from '../../config/config.ts';
import { isMode, isTerminalPhase } from '../../domain/session-terms.ts';
import type { Library } from '../../scenarios/lib/load.ts';
import { apiClient } from '../api-client.ts';
import { UsageError } from '../usage-error.ts';

export interface RunOptions {
  system?: string;
  mode?: string;
  solve?: boolean;
  api?: string;
  name?: string;
  'red-timeout'?: string;
}

/** How long --solve waits, once the fault is in, for the SLA to go red: a few SLA polls and a slow rollout. */
const DEFAULT_RED_TIMEOUT_SECONDS = 120;

export async function run(library: Library, id: string | undefined, options: RunOptions, out: (line: string) => void): Promise<number> {
  const scenario = id ? library.scenarios.get(id) : undefined;
  if (!scenario) throw new UsageError(id ? `no scenario "${id}" (see \`failurelib list\`)` : 'run needs a scenario id');
  const systemId = options.system ?? scenario.spec.systems[0]!;
  const mode = options.mode ?? 'learn';
  if (!isMode(mode)) throw new UsageError('--mode must be learn or challenge');
  const redTimeoutSeconds = Number(options['red-timeout'] ?? DEFAULT_RED_TIMEOUT_SECONDS);
  if (!Number.isInteger(redTimeoutSeconds) || redTimeoutSeconds <= 0)
    throw new UsageError('--red-timeout must be a whole number of seconds');
  const { call } = apiClient(options.api);

  // Challenge ids are drawn with the stack's secret (its data dir, or FL_CHALLENGE_SECRET): the same machine's stack knows it.
  const scenarioId =
    mode === 'challenge' ? new ScenarioIdentities(library, challengeSecret(loadConfig())).challenge(scenario).id : scenario.metadata.name;
  const created = (await (
    await call('POST', '/api/sessions', undefined, { scenarioId, systemId, mode, participant: { name: options.name ?? 'failurelib run' } })
  ).json()) as { id: string; participantToken: string };
  const token = created.participantToken;
  out(`session ${created.id} (${scenario.metadata.name} on ${systemId}, ${mode} mode)`);
  const dir = mkdtempSync(join(tmpdir(), 'failurelib-run-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const started = Date.now();
  const deadline = started + (scenario.spec.timeLimitSeconds + 300) * 1000;
  let last = '';
  let solved = false;
  let runningSince: number | undefined;
  let wentRed = false;
  /** Why the run fails although the session may still complete (set once; the session is abandoned). */
  let failure: string | undefined;
  try {
    for (;;) {
      const session = (await (await call('GET', `/api/sessions/${created.id}`, token)).json()) as SessionDto;
      const line = `phase ${session.phase} · SLA ${session.sla.status}${
        session.sla.status === 'red'
          ? ` (${session.sla.objectives
              .filter((o) => o.status !== 'green')
              .map((o) => o.name)
              .join(', ')})`
          : ''
      }`;
      if (line !== last) out(`[${String(Math.round((Date.now() - started) / 1000)).padStart(4)}s] ${line}`);
      last = line;
      if (session.phase === 'ready') {
        writeFileSync(kubeconfig, await (await call('GET', `/api/sessions/${created.id}/kubeconfig`, token)).text(), { mode: 0o600 });
        out(`kubeconfig: ${kubeconfig}`);
        await call('POST', `/api/sessions/${created.id}/start`, token);
      }
      if (session.phase === 'running') runningSince ??= Date.now();
      // A measured breach: the session reads red from the moment it enters running, before any SLA reading; and
      // once the run has failed, the teardown of the abandoned sandbox turns everything red.
      if (runningSince !== undefined && !failure && session.sla.objectives.some((objective) => objective.status === 'red')) wentRed = true;
      const waitedSeconds = runningSince === undefined ? 0 : (Date.now() - runningSince) / 1000;
      if (session.phase === 'running' && options.solve && !wentRed && !failure && waitedSeconds > redTimeoutSeconds) {
        failure = `the SLA never went red within ${redTimeoutSeconds}s after the fault was injected: the fault breaks nothing the SLA measures; the fix was not applied and the session is abandoned`;
        out(failure);
        await call('POST', `/api/sessions/${created.id}/abandon`, token);
      }
      if (session.phase === 'running' && options.solve && wentRed && !solved && !failure) {
        solved = true;
        for (const command of scenario.spec.solutions[0]!.commands) {
          const result = await promisify(execFile)('bash', ['-c', `set -o pipefail; ${command}`], {
            env: { ...process.env, KUBECONFIG: kubeconfig },
          }).then(
            () => 'ok',
            (error: { stderr?: string }) => `failed: ${error.stderr?.trim()}`,
          );
          out(`$ ${command}\n  ${result}`);
        }
      }
      if (isTerminalPhase(session.phase)) {
        if (failure) throw new Error(failure);
        if (options.solve && !wentRed)
          throw new Error(`session ${session.phase} but the SLA never went red after Start: the fault breaks nothing the SLA measures`);
        if (session.phase === 'completed') {
          const result = (await (await call('GET', `/api/sessions/${created.id}/result`, token)).json()) as {
            score: number;
            timeToRepairSeconds: number;
          };
          out(`score ${result.score}, repaired in ${result.timeToRepairSeconds}s`);
        }
        return session.phase === 'completed' ? 0 : 1;
      }
      if (Date.now() > deadline) throw new Error(`session ${created.id} still ${session.phase} after the time limit`);
      await sleep(1000);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
