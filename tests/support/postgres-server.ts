// A throwaway real PostgreSQL server (Debian's packages) for the server-backed test run.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, waitUntil } from '../../infra/lib/processes.ts';
import { isPortOpen } from '../../infra/lib/ports.ts';

function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same data and port (clients see their connections drop). */
  restart(): Promise<void>;
}

export async function startPostgresServer(port: number): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found: run infra/setup.sh --test (apt-get install postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'fl-pg-'));
  const dataDir = join(dir, 'data');
  // PostgreSQL refuses to run as root: run it as the postgres user the Debian package creates.
  const asRoot = process.getuid?.() === 0;
  const uid = asRoot ? Number(execFileSync('id', ['-u', 'postgres']).toString().trim()) : undefined;
  const gid = asRoot ? Number(execFileSync('id', ['-g', 'postgres']).toString().trim()) : undefined;
  if (asRoot && uid !== undefined && gid !== undefined) chownSync(dir, uid, gid);
  const run = (command: string, args: string[]) =>
    asRoot ? (['runuser', ['-u', 'postgres', '--', command, ...args]] as const) : ([command, args] as const);
  const [initCmd, initArgs] = run(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  execFileSync(initCmd, [...initArgs], { stdio: 'ignore' });
  const [cmd, args] = run(join(bin, 'postgres'), [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    dir,
    '-c',
    'fsync=off',
    '-c',
    'max_connections=200',
  ]);
  const launch = async () => {
    const server = startProcess('postgres', cmd, [...args], { logFile: join(dir, 'postgres.log') });
    try {
      await waitUntil('PostgreSQL server', () => isPortOpen(port), { process: server, timeoutMs: 30_000 });
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  };
  let server = await launch();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
    async restart() {
      // A fast shutdown that waits until the server is really gone (the lock file released), then start.
      const [stopCmd, stopArgs] = run(join(bin, 'pg_ctl'), ['-D', dataDir, 'stop', '-m', 'fast', '-w']);
      execFileSync(stopCmd, [...stopArgs], { stdio: 'ignore' });
      await server.exited;
      server = await launch();
    },
  };
}
