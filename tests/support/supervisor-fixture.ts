// A launcher for the supervisor tests: the stack's Supervisor with real child processes, cheaper than the whole
// stack. `node tests/support/supervisor-fixture.ts <dir> <port>` starts
//   - listener: a Node server on <port> that takes 1 s to stop on SIGTERM, with a `sleep` of its own that
//     ignores SIGTERM (left in the group when the listener has exited);
//   - sleeper: a plain `sleep`;
//   - a service whose stop never finishes (as a database close that hangs), stopped by the time limit;
// then prints `up`. Processes a previous fixture in <dir> was killed before stopping are stopped first.
import { join } from 'node:path';
import { Supervisor } from '../../infra/stack/supervisor.ts';

const [dir, port] = process.argv.slice(2) as [string, string];
const supervisor = new Supervisor({
  logDir: join(dir, 'logs'),
  recordFile: join(dir, 'processes.json'),
  serviceStopMs: 4000,
  say: (message) => console.log(message),
});
await supervisor.stopLeftovers();
supervisor.spawn('listener', process.execPath, [
  '-e',
  `
  const { spawn } = require('node:child_process');
  spawn('sh', ['-c', 'trap "" TERM; exec sleep 1000'], { stdio: 'ignore' });
  const server = require('node:net').createServer().listen(${Number(port)}, '127.0.0.1');
  process.on('SIGTERM', () => setTimeout(() => { server.close(); process.exit(0); }, 1000));
`,
]);
supervisor.add('hanging service', () => new Promise(() => {}));
supervisor.spawn('sleeper', 'sleep', ['1000']);
console.log('up');
