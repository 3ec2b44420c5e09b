// The real node is one per machine: whoever starts it holds /tmp/fl-real-node.lock (flock) while it runs. The
// lock is held by a `flock … cat` child: closing its stdin (or this process dying) ends it and frees the lock.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

export const REAL_NODE_LOCK = '/tmp/fl-real-node.lock';

export interface HeldLock {
  /** Seconds spent waiting for it (other real-node runs on the machine). */
  waitedSeconds: number;
  release(): Promise<void>;
}

export async function takeRealNodeLock(log: (message: string) => void): Promise<HeldLock> {
  const started = performance.now();
  const holder = spawn('flock', [REAL_NODE_LOCK, 'sh', '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
  // Killed with us: a holder left waiting would take the lock from the next in line for nothing.
  const orphaned = () => holder.kill();
  process.once('exit', orphaned);
  const waiting = setInterval(() => log(`waiting for ${REAL_NODE_LOCK} (another real-node run holds it)`), 30_000);
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`flock ${REAL_NODE_LOCK} exited with ${code}`)));
      holder.once('error', reject);
    });
  } finally {
    clearInterval(waiting);
  }
  return {
    waitedSeconds: (performance.now() - started) / 1000,
    async release() {
      process.off('exit', orphaned);
      if (holder.exitCode !== null) return;
      const exited = once(holder, 'exit');
      holder.stdin.end();
      await exited;
    },
  };
}
