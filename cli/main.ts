// The CLI's commands and error handling, callable in-process (tests) or from failurelib.ts (the process).
import { parseArgs } from 'node:util';
import { LibraryError, loadLibrary } from '../scenarios/lib/load.ts';
import { formatProblem, validate } from './commands/validate.ts';
import { defaultLibraryRoot } from './library-paths.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `usage: failurelib <command> [options]

  validate [library...]            check library folders (default: ./scenarios); every problem as file:line:col path message
  list                             the scenarios as a table
  show <scenario>                  one scenario in full (id or codename)
  render <scenario> [--system id]  the system's manifests and the objects the scenario's faults create
  schema                           write scenarios/schema/*.schema.json from the TypeBox schemas
  run <scenario> [--system id] [--mode learn|challenge] [--solve [--red-timeout s]] [--api url]
                                   a headless session against a running stack (default http://127.0.0.1:3000);
                                   --solve runs the reference fix once the SLA is red, and fails the run when
                                   the SLA is not red within --red-timeout seconds (120) of the fault
  remediate --kubeconfig <file> --namespace <ns> [--api url] [--apply] [--timeout s]
                                   check the library's verified remediations against a namespace of a real cluster
                                   and print the plan (dry run); --apply runs the matching ones' commands with
                                   kubectl, then waits (--timeout, 180 s) until their detection no longer matches
  scenario-skeleton --report <id> [--api url] [--out dir]
                                   write a scenario skeleton from a failure report (default
                                   <library>/library/<name from its title>); \`validate\` lists its TODOs until filled in
  sim-stages                       write infra/sim-cluster/kwok-stages.yaml (the simulated registry = the library's images + failurelib's own)

  --library <dir>                  the library folder for list, show, render, run, scenario-skeleton and sim-stages`;

async function main(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      system: { type: 'string' },
      library: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      mode: { type: 'string' },
      solve: { type: 'boolean' },
      'red-timeout': { type: 'string' },
      api: { type: 'string' },
      name: { type: 'string' },
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      apply: { type: 'boolean' },
      timeout: { type: 'string' },
      report: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (command === 'validate') return validate(rest, out);
  // Commands are loaded on demand: render pulls in the fault engine and the Kubernetes client.
  if (command === 'remediate') return (await import('./commands/remediate.ts')).remediate(values, out);
  if (command === 'schema') return (await import('./commands/schema.ts')).writeSchemas(out);
  const root = values.library ?? defaultLibraryRoot();
  const library = () => loadLibrary(root);
  switch (command) {
    case 'list':
      return (await import('./commands/list.ts')).list(library(), out);
    case 'show':
      return (await import('./commands/show.ts')).show(library(), rest[0], out);
    case 'render':
      return (await import('./commands/render.ts')).render(library(), rest[0], values.system, out);
    case 'run':
      return (await import('./commands/run.ts')).run(library(), rest[0], values, out);
    case 'scenario-skeleton':
      return (await import('./commands/scenario-skeleton.ts')).writeSkeleton(root, values, out);
    case 'sim-stages':
      return (await import('./commands/sim-stages.ts')).writeSimStages(library(), out);
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

/** Runs one invocation; returns the exit code. Output goes through `out` and `fail`, one line at a time. */
export async function runCli(argv: string[], out: (line: string) => void, fail: (line: string) => void): Promise<number> {
  try {
    return await main(argv, out);
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
