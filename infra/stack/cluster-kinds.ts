// Which cluster kind the stack's sessions run on. With the sim cluster, the real node (infra/real-node) starts by
// default when the machine can (FL_REAL_NODE=auto), and then every sandbox's pods go to it (FL_SANDBOX_PLACEMENT=real
// for the worker and API); FL_REAL_NODE=0 runs on the simulation only, FL_REAL_NODE=1 refuses to start without it.
import type { Config, SandboxPlacement } from '../../config/config.ts';

export interface RealNodeChoice {
  start: boolean;
  /** What the stack says about it in its startup lines. */
  message: string;
}

/** `unavailable`: why this machine cannot start the real node (infra/real-node/availability.ts), or undefined. */
export function chooseRealNode(config: Pick<Config, 'clusterDriver' | 'realNode'>, unavailable: () => string | undefined): RealNodeChoice {
  if (config.clusterDriver !== 'sim')
    return { start: false, message: `no real node: CLUSTER_DRIVER=${config.clusterDriver} drives its own cluster` };
  if (config.realNode === 'off')
    return { start: false, message: 'real node off (FL_REAL_NODE=0): sandboxes run in the simulation (kwok) only' };
  const why = unavailable();
  if (why === undefined)
    return {
      start: true,
      message: 'starting the real node: sandboxes run real containers on it (FL_REAL_NODE=0 runs on the simulation only)',
    };
  if (config.realNode === 'on') throw new Error(`FL_REAL_NODE=1, but the real node cannot start here: ${why}`);
  return { start: false, message: `no real node: ${why}; sandboxes run in the simulation (kwok) only` };
}

/**
 * Where the worker's sandboxes go: FL_SANDBOX_PLACEMENT when it is set, else the real node when it runs. `real`
 * without a real node would leave every pod Pending: refused.
 */
export function sandboxPlacement(
  config: Pick<Config, 'clusterDriver' | 'sandboxPlacement'>,
  { explicit, realNodeRunning }: { explicit: boolean; realNodeRunning: boolean },
): SandboxPlacement {
  if (!explicit) return realNodeRunning ? 'real' : 'sim';
  if (config.sandboxPlacement === 'real' && config.clusterDriver === 'sim' && !realNodeRunning)
    throw new Error('FL_SANDBOX_PLACEMENT=real needs the real node, which is not running (see the line above)');
  return config.sandboxPlacement;
}
