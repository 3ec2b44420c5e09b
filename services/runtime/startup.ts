// Start-up checks: a program verifies what it cannot serve without before it listens. Transient failures
// (the dependency is still starting) are retried for DEPENDENCY_WAIT_SECONDS (20); a fatal one (wrong
// credentials) or running out of time ends the program with the real error (exit 1, so the pod restarts).
import { setTimeout as sleep } from 'node:timers/promises';
import { numberEnv } from './env.ts';
import { errorText, log } from './log.ts';

export async function checkAtStart(
  what: string,
  check: () => Promise<void>,
  isFatal: (error: unknown) => boolean = () => false,
): Promise<void> {
  const deadline = Date.now() + numberEnv('DEPENDENCY_WAIT_SECONDS', 20) * 1000;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (isFatal(error) || Date.now() >= deadline) throw new Error(`${what}: ${errorText(error)}`, { cause: error });
      log('warn', `${what} failed, retrying`, { error: errorText(error) });
      await sleep(1000);
    }
  }
}
