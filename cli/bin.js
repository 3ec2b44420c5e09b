#!/usr/bin/env node
// The `failurelib` command npm links. It runs on whatever `node` the shell finds (npx in a fresh shell: the
// machine's, often older), so it is plain JavaScript that any Node can parse. Node 24 runs the TypeScript
// sources directly (type stripping); an older Node hands over to the Node 24 that infra/setup.sh put in
// .tools/node, or says in one line what to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NEEDED_MAJOR = 24;
const cliDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(cliDir);
const entry = join(cliDir, 'failurelib.ts');

if (Number(process.versions.node.split('.')[0]) === NEEDED_MAJOR) {
  await import('./failurelib.ts');
} else {
  const tools = process.env.FL_TOOLS || join(root, '.tools');
  const projectNode = join(tools, 'node', 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(projectNode)) {
    process.stderr.write(
      `failurelib needs Node ${NEEDED_MAJOR} (this is Node ${process.versions.node} at ${process.execPath}): run \`bash infra/setup.sh\` in ${root}, which installs it into .tools/node\n`,
    );
    process.exit(1);
  }
  // The child shares the terminal's process group, so Ctrl-C reaches it directly; its exit status is ours.
  const result = spawnSync(projectNode, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (result.error) {
    process.stderr.write(`failurelib: could not run ${projectNode}: ${result.error.message}\n`);
    process.exit(1);
  }
  if (result.signal) process.kill(process.pid, result.signal);
  process.exit(result.status ?? 1);
}
