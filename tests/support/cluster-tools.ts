// Puts the stand-in kind, vcluster, helm and docker CLIs of tests/support/cluster-tools/ first on PATH, for
// tests of the cluster-per-session drivers on a machine without Docker or a host cluster. The stand-ins hand
// out `kubeconfig` (the test's sim cluster) and record each call; `calls()` reads the record.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { requireTool } from '../../infra/lib/tools.ts';

const TOOLS = join(import.meta.dirname, 'cluster-tools');
const KEYS = ['PATH', 'FL_STANDIN_LOG', 'FL_STANDIN_STATE', 'FL_STANDIN_KUBECONFIG', 'FL_STANDIN_KUBECTL'] as const;

export interface StandInTools {
  /** Every call so far, one line each: `kind create cluster --name …`. */
  calls(): string[];
  restore(): void;
}

export function useStandInClusterTools(kubeconfig: string): StandInTools {
  const saved = Object.fromEntries(KEYS.map((key) => [key, process.env[key]]));
  const dir = mkdtempSync(join(tmpdir(), 'fl-standin-'));
  const log = join(dir, 'calls.log');
  Object.assign(process.env, {
    PATH: `${TOOLS}${delimiter}${process.env.PATH ?? ''}`,
    FL_STANDIN_LOG: log,
    FL_STANDIN_STATE: join(dir, 'state'),
    FL_STANDIN_KUBECONFIG: kubeconfig,
    FL_STANDIN_KUBECTL: requireTool('kubectl'),
  });
  return {
    calls: () => {
      try {
        return readFileSync(log, 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    restore() {
      for (const key of KEYS) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
