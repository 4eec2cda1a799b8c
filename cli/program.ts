// The command tree (commander): global options and one module per group of commands. The same
// tree serves parsing, `--help`, `tessera completion` and docs/cli.md (scripts/cli-docs.ts).
import { Command, Help, InvalidArgumentError, Option } from 'commander';
import { version } from '../package.json';
import { registerAuthCommands } from './commands/auth';
import { registerAuditCommands } from './commands/audit';
import { registerCompletionCommand } from './commands/completion';
import { registerPolicyCommand } from './commands/policy';
import { registerServiceAccountCommands } from './commands/service-accounts';
import { registerTeamCommands } from './commands/teams';
import { registerTokenCommands } from './commands/tokens';
import { registerUserCommands } from './commands/users';
import { CommandContext, type GlobalOptions, type Io } from './context';
import { OUTPUT_FORMATS } from './output/printer';
import { styleFor } from './output/style';

/** The context of the command being run, so main can report its error and close it. */
export interface Runtime {
  io: Io;
  current?: CommandContext;
}

const jsonDocs = new WeakMap<Command, string>();

/** Records (for --help and docs/cli.md) what `--output json` prints for a command. */
export function jsonOutput(command: Command, description: string): Command {
  jsonDocs.set(command, description);
  return command.addHelpText('after', `\nWith --output json: ${description}`);
}

export function jsonOutputOf(command: Command): string | undefined {
  return jsonDocs.get(command);
}

/** Positional arguments as strings and the command's own options, as commander hands them over. */
export type Handler = (context: CommandContext, args: string[], options: Record<string, unknown>) => Promise<void>;

/** Sets the action of a command: a fresh CommandContext built from the global options. */
export function defineAction(runtime: Runtime, command: Command, handler: Handler): Command {
  return command.action(async (...received: unknown[]) => {
    const self = received[received.length - 1] as Command;
    const options = received[received.length - 2] as Record<string, unknown>;
    const args = received
      .slice(0, -2)
      .flatMap((value) => (Array.isArray(value) ? (value as string[]) : value === undefined ? [] : [String(value)]));
    const globals = self.optsWithGlobals<GlobalOptions>();
    const context = new CommandContext(runtime.io, { output: globals.output, profile: globals.profile, debug: globals.debug === true });
    runtime.current = context;
    await handler(context, args, options);
  });
}

export function parseDays(value: string): number {
  if (!/^\d{1,4}$/.test(value)) throw new InvalidArgumentError('must be a whole number of days');
  return Number(value);
}

export function parsePositive(value: string): number {
  if (!/^[1-9]\d{0,5}$/.test(value)) throw new InvalidArgumentError('must be a whole number from 1');
  return Number(value);
}

/** The command tree; with `argv`, only the group of commands it names (all when it names none). */
export function buildProgram(runtime: Runtime, argv?: readonly string[]): Command {
  const program = new Command('tessera')
    .description('The Tessera command line: personal access tokens, users, teams and service accounts, from the terminal.')
    .version(version, '-V, --version', 'print the version')
    .addOption(new Option('-o, --output <format>', 'table for people, json for scripts').choices(OUTPUT_FORMATS).default('table'))
    .option('-p, --profile <name>', 'the profile of the configuration file to use (default: TESSERA_PROFILE, else the first one logged in)')
    .option('--debug', 'print every HTTP request and response on stderr, secrets redacted')
    .helpOption('-h, --help', 'show help for a command')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help to see the usage)')
    .configureHelp({
      sortSubcommands: false,
      showGlobalOptions: true,
      optionDescription(this: Help, option: Option): string {
        const described = Help.prototype.optionDescription.call(this, option);
        return option.mandatory ? `${described} (required)` : described;
      },
    })
    // Set before the subcommands are added, which copy these settings: commander throws
    // instead of exiting (main picks the exit code) and writes through the runtime's streams.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => runtime.io.stdout.write(text),
      writeErr: (text) => runtime.io.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error:/, styleFor(runtime.io.stderr, runtime.io.env).red('error:'))),
    });
  program.addHelpCommand(false);

  const groups: Array<[readonly string[], (runtime: Runtime, program: Command) => void]> = [
    [['login', 'logout', 'whoami'], registerAuthCommands],
    [['tokens'], registerTokenCommands],
    [['users'], registerUserCommands],
    [['teams'], registerTeamCommands],
    [['service-accounts'], registerServiceAccountCommands],
    [['audit'], registerAuditCommands],
    [['policy'], registerPolicyCommand],
    [['completion'], registerCompletionCommand],
  ];
  // Building every command costs start-up time; a command line that names one (the usual
  // case) gets only its group. Help, completion and the docs get the whole tree.
  const wanted = argv === undefined ? undefined : commandNamed(argv);
  const only = groups.find(([names]) => wanted !== undefined && wanted !== 'completion' && names.includes(wanted));
  for (const [, register] of only ? [only] : groups) register(runtime, program);
  return program;
}

/** The first word of the command line that is not a global option or its value. */
function commandNamed(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '-o' || word === '--output' || word === '-p' || word === '--profile') i++;
    else if (!word.startsWith('-')) return word;
  }
  return undefined;
}
