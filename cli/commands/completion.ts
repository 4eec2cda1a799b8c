// completion bash|zsh|fish: prints a completion script generated from the command tree.
import { Argument, type Command } from 'commander';
import { bashCompletion, fishCompletion, zshCompletion } from '../completion/scripts';
import { defineAction, type Runtime } from '../program';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;

export function registerCompletionCommand(runtime: Runtime, program: Command): void {
  const completion = program
    .command('completion')
    .summary('print a shell completion script')
    .description(
      'Print a shell completion script. bash: `source <(tessera completion bash)`; zsh: `source <(tessera completion zsh)`; fish: `tessera completion fish | source`.',
    )
    .addArgument(new Argument('<shell>', 'the shell').choices(Object.keys(SHELLS)));
  defineAction(runtime, completion, async (context, [shell]) => {
    context.io.stdout.write(SHELLS[shell as keyof typeof SHELLS](program));
  });
}
