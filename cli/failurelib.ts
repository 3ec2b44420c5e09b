// failurelib: the authoring CLI of the Failure Library. Errors are one line each, never a stack trace.
import { runCli } from './main.ts';

// A closed pipe (`failurelib list | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});
process.exitCode = await runCli(
  process.argv.slice(2),
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
