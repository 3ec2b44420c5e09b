// Runs the embedded database (PGlite over the wire protocol) as its own process, so its single WASM thread
// competes with nobody's event loop: `node infra/db/main.ts --port 5433 [--data-dir DIR]`.
// Prints one line `ready <url>` on stdout once it accepts connections.
import { parseArgs } from 'node:util';
import { startEmbeddedDatabase } from './pglite-server.ts';

const { values } = parseArgs({ options: { port: { type: 'string' }, 'data-dir': { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: node infra/db/main.ts --port PORT [--data-dir DIR]\n');
  process.exit(2);
}
const database = await startEmbeddedDatabase({ port, ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}) });
process.stdout.write(`ready ${database.url}\n`);
const stop = () => {
  void database.stop().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
