// The baseline of the engine: the same sandbox work done directly with the Kubernetes client, no workflow,
// no API, no database. Uses the engine's own helpers so the two sides do the same cluster work.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kube } from '../../cluster/kube.ts';
import { applyManifests, createSandbox, deleteSandbox, parseManifests } from '../../cluster/sandbox.ts';
import { readSla } from '../../activities/sla/kube-state.ts';
import type { Library } from '../../scenarios/lib/load.ts';

export const SYSTEM_ID = 'demo-app';

export interface DirectSandbox {
  id: string;
  namespace: string;
}

/** Creates the namespace and server-side applies the system's manifests, as provisionSandbox + deploySystem do. */
export async function deployDirect(kube: Kube, library: Library): Promise<DirectSandbox> {
  const system = library.systems.get(SYSTEM_ID);
  if (!system) throw new Error(`system ${SYSTEM_ID} is not in the library`);
  const id = randomUUID();
  const namespace = await createSandbox(kube, id);
  await applyManifests(kube, id, namespace, parseManifests(system.manifests));
  return { id, namespace };
}

/** Polls the system's SLA objectives (the engine's kube-state check) until green or red, every `intervalMs`. */
export async function waitForSla(
  kube: Kube,
  library: Library,
  namespace: string,
  status: 'green' | 'red',
  { intervalMs = 100, timeoutMs = 120_000 } = {},
): Promise<number> {
  const objectives = library.systems.get(SYSTEM_ID)?.system.spec.objectives ?? [];
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if ((await readSla(kube, namespace, objectives)).status === status) return performance.now();
    if (performance.now() > deadline) throw new Error(`${namespace}: SLA not ${status} within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

export async function removeDirect(kube: Kube, sandbox: DirectSandbox, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await deleteSandbox(kube, sandbox.id))) {
    if (performance.now() > deadline) throw new Error(`${sandbox.namespace} still exists after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Deploys `n` sandboxes at once and times until every one's SLA is green; removes them. Seconds. */
export async function timeManyDirect(kube: Kube, library: Library, n: number): Promise<number> {
  const started = performance.now();
  const outcomes = await Promise.allSettled(Array.from({ length: n }, () => deployDirect(kube, library)));
  const sandboxes = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  try {
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    if (refused) throw refused.reason;
    await Promise.all(
      sandboxes.map((sandbox) =>
        waitForSla(kube, library, sandbox.namespace, 'green', { intervalMs: 1000, timeoutMs: 120_000 + n * 3_000 }),
      ),
    );
    return (performance.now() - started) / 1000;
  } finally {
    await Promise.all(sandboxes.map((sandbox) => removeDirect(kube, sandbox, 300_000)));
  }
}
