// A throwaway real PostgreSQL server (Debian's packages) for the server-backed test run.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
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

export interface PostgresServerOptions {
  /** Connections over TCP must give this password (scram-sha-256, as the official image sets up); default: trust. */
  superuserPassword?: string;
}

export async function startPostgresServer(port: number, options: PostgresServerOptions = {}): Promise<PostgresServer> {
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
  const password = options.superuserPassword;
  const pwFile = join(dir, 'superuser-password');
  if (password !== undefined) writeFileSync(pwFile, `${password}\n`, { mode: 0o644 });
  const auth = password === undefined ? ['--auth=trust'] : ['--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwFile}`];
  const [initCmd, initArgs] = run(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', ...auth, '-E', 'UTF8', '--no-sync']);
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
    url: `postgres://postgres${password === undefined ? '' : `:${encodeURIComponent(password)}`}@127.0.0.1:${port}/postgres`,
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
