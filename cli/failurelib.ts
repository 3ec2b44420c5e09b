// failurelib: the authoring CLI of the Failure Library. Errors are one line each, never a stack trace.
import { parseArgs } from 'node:util';
import { LibraryError, loadLibrary } from '../scenarios/lib/load.ts';
import { list } from './commands/list.ts';
import { render } from './commands/render.ts';
import { writeSchemas } from './commands/schema.ts';
import { show } from './commands/show.ts';
import { writeSimStages } from './commands/sim-stages.ts';
import { formatProblem, validate } from './commands/validate.ts';
import { defaultLibraryRoot } from './library-paths.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `usage: failurelib <command> [options]

  validate [library...]            check library folders (default: ./scenarios); every problem as file:line:col path message
  list                             the scenarios as a table
  show <scenario>                  one scenario in full (id or codename)
  render <scenario> [--system id]  the system's manifests and the objects the scenario's faults create
  schema                           write scenarios/schema/*.schema.json from the TypeBox schemas
  sim-stages                       write infra/sim-cluster/kwok-stages.yaml (the simulated registry = the library's images)

  --library <dir>                  the library folder for list, show, render and sim-stages`;

function main(argv: string[], out: (line: string) => void): number {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: { system: { type: 'string' }, library: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (command === 'validate') return validate(rest, out);
  if (command === 'schema') return writeSchemas(out);
  const library = () => loadLibrary(values.library ?? defaultLibraryRoot());
  switch (command) {
    case 'list': return list(library(), out);
    case 'show': return show(library(), rest[0], out);
    case 'render': return render(library(), rest[0], values.system, out);
    case 'sim-stages': return writeSimStages(library(), out);
    default: throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

function run(): number {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const fail = (line: string) => process.stderr.write(`${line}\n`);
  try {
    return main(process.argv.slice(2), out);
  } catch (error) {
    if (error instanceof LibraryError) {
      error.problems.forEach((problem) => fail(formatProblem(problem)));
      fail('the library is invalid: run `failurelib validate` for details');
      return 1;
    }
    const code = (error as { code?: string }).code;
    if (error instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS')) {
      fail(`failurelib: ${(error as Error).message}`);
      return 2;
    }
    fail(`failurelib: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  }
}

// A closed pipe (`failurelib list | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});
process.exitCode = run();
