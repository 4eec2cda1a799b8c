// Runs one command line and returns its exit code (cli/errors/exit-codes.ts). The bundled
// executable (scripts/cli-build.ts) is this module's `run` with the process's own streams.
import { CommanderError } from 'commander';
import type { Io } from './context';
import { ExitCode } from './errors/exit-codes';
import { reportError } from './errors/report';
import { scrub } from './output/redact';
import { styleFor } from './output/style';
import { buildProgram, type Runtime } from './program';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const runtime: Runtime = { io };
  const program = buildProgram(runtime, argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed the message (or the help / version) already.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const context = runtime.current;
    return reportError(
      error,
      { tokenSource: context?.tokenSource, secrets: context?.secrets ?? [] },
      io.stderr,
      styleFor(io.stderr, io.env),
    );
  }
  // Idle keep-alive connections are left open: run() ends the process right after, which is
  // cheaper than closing them one by one.
}

/** The process entry point. */
export function run(): void {
  const io: Io = {
    // Only login and confirmations read stdin; setting it up costs start-up time, so on demand.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  };
  // A reader that goes away (`tessera tokens list | head -1`) ends the command quietly.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  process.on('uncaughtException', (error) => {
    process.stderr.write(`error: internal error: ${scrub(error.message)}\n`);
    process.exit(ExitCode.Failure);
  });
  // Exit as soon as the command is done (stdout and stderr are written synchronously to files,
  // pipes and terminals on Linux), rather than waiting for sockets and streams to wind down.
  main(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`error: internal error: ${scrub(error instanceof Error ? error.message : String(error))}\n`);
      process.exit(ExitCode.Failure);
    },
  );
}
