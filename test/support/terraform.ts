/**
 * Runs the real terraform (or tofu) CLI in a throw-away working directory with its own CLI
 * configuration: providers come from a filesystem mirror, nothing from the network, no
 * checkpoint calls. Missing CLI = a failing test with a clear message, never a skip.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Text for the CLI's stdin (rarely needed: we always pass -input=false). */
  stdin?: string;
}

export interface TerraformWorkdir {
  dir: string;
  binary: string;
  /** The environment every run gets (plus RunOptions.env). */
  env: Record<string, string>;
  run(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Like run, but throws with the full output unless the exit code is 0. */
  runOk(args: string[], options?: RunOptions): Promise<RunResult>;
  writeFile(name: string, content: string): Promise<void>;
  readFile(name: string): Promise<string>;
  cleanup(): void;
}

export interface TerraformWorkdirOptions {
  /** The filesystem mirror root holding the providers. */
  mirrorDir: string;
  /** Full addresses (`registry.terraform.io/ns/type`) to take from the mirror. */
  providerSources: string[];
  files?: Record<string, string>;
  env?: Record<string, string>;
  /** Parent for the temporary directory (default: os.tmpdir()). */
  parentDir?: string;
}

/** TESSERA_TF_BINARY (a path or a name on PATH), else `terraform` on PATH. */
export function findTerraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  const wanted = env.TESSERA_TF_BINARY?.trim() || 'terraform';
  const candidates =
    isAbsolute(wanted) || wanted.includes('/')
      ? [wanted]
      : (env.PATH ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((d) => join(d, wanted));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new Error(
    `terraform CLI not found: looked for "${wanted}" ${candidates.length === 1 ? `at ${candidates[0]}` : 'on PATH'}. ` +
      'Install Terraform 1.11.4 (see .ci/run) or set TESSERA_TF_BINARY to a terraform/tofu binary.',
  );
}

/** The `provider_installation` block that takes the given providers from a mirror only. */
export function mirrorCliConfig(mirrorDir: string, providerSources: string[]): string {
  const list = JSON.stringify(providerSources);
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirrorDir)}`,
    `    include = ${list}`,
    '  }',
    '  direct {',
    `    exclude = ${list}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

const INPUT_COMMANDS = new Set(['init', 'plan', 'apply', 'destroy', 'import', 'refresh']);
const NO_COLOR_COMMANDS = new Set([...INPUT_COMMANDS, 'validate', 'show', 'output', 'state', 'providers', 'console', 'test']);

/** Adds -no-color and -input=false after the subcommand where it accepts them. */
export function withDefaultFlags(args: string[]): string[] {
  const [command, ...rest] = args;
  if (command === undefined) return args;
  const extra: string[] = [];
  if (NO_COLOR_COMMANDS.has(command) && !rest.includes('-no-color')) extra.push('-no-color');
  if (INPUT_COMMANDS.has(command) && !rest.some((a) => a.startsWith('-input'))) extra.push('-input=false');
  // `state list`, `providers lock` etc.: flags go after the sub-subcommand.
  if ((command === 'state' || command === 'providers') && rest[0] && !rest[0].startsWith('-')) {
    return [command, rest[0], ...extra, ...rest.slice(1)];
  }
  return [command, ...extra, ...rest];
}

export async function createTerraformWorkdir(options: TerraformWorkdirOptions): Promise<TerraformWorkdir> {
  const binary = findTerraformBinary();
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'tf-work-'));
  const cliConfig = join(dir, '.terraformrc');
  await writeFile(cliConfig, mirrorCliConfig(options.mirrorDir, options.providerSources));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    TMPDIR: process.env.TMPDIR ?? tmpdir(),
    TF_CLI_CONFIG_FILE: cliConfig,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    ...options.env,
  };
  for (const [name, content] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }

  const run = (args: string[], runOptions: RunOptions = {}): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(binary, withDefaultFlags(args), {
        cwd: dir,
        env: Object.fromEntries(Object.entries({ ...env, ...runOptions.env }).filter((e): e is [string, string] => e[1] !== undefined)),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdin.end(runOptions.stdin ?? '');
      const timeoutMs = runOptions.timeoutMs ?? 120_000;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${binary} ${args.join(' ')} timed out after ${timeoutMs} ms\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
      }, timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
      });
    });

  const runOk = async (args: string[], runOptions?: RunOptions): Promise<RunResult> => {
    const result = await run(args, runOptions);
    if (result.code !== 0) {
      throw new Error(`${binary} ${args.join(' ')} exited with ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    }
    return result;
  };

  return {
    dir,
    binary,
    env,
    run,
    runOk,
    writeFile: async (name, content) => {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), content);
    },
    readFile: (name) => readFile(join(dir, name), 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
