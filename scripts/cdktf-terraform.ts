// Runs the real terraform CLI for the CDKTF pipeline and its tests: its own CLI configuration
// (a filesystem mirror holding the tessera provider and nothing else), no checkpoint calls, no
// prompts, and never the user's ~/.terraformrc.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const TESSERA_PROVIDER_ADDRESS = 'registry.terraform.io/tessera/tessera';

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class TerraformCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: TerraformResult,
  ) {
    super(`terraform ${args.join(' ')} exited with ${result.code}:\n${result.stderr || result.stdout}`);
  }
}

/** Fails with a message a person can act on when the terraform binary is not on the PATH. */
export function requireTerraformBinary(): string {
  const probe = spawnSync('terraform', ['version', '-json'], {
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' },
  });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'the terraform CLI is required (1.11.x on the PATH) to read the provider schema and to run the stacks; ' +
        `running "terraform version" failed: ${probe.error?.message ?? probe.stderr}`,
    );
  }
  return (JSON.parse(probe.stdout) as { terraform_version: string }).terraform_version;
}

/** Writes a CLI configuration that installs the tessera provider only from `mirrorDir`. */
export function writeMirrorCliConfig(configFile: string, mirrorDir: string): void {
  mkdirSync(path.dirname(configFile), { recursive: true });
  writeFileSync(
    configFile,
    [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(path.resolve(mirrorDir))}`,
      `    include = [${JSON.stringify(TESSERA_PROVIDER_ADDRESS)}]`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
}

export interface TerraformRunOptions {
  /** Working directory given to `-chdir`. */
  readonly dir: string;
  readonly cliConfigFile: string;
  /** Extra environment, e.g. TESSERA_ENDPOINT / TESSERA_API_TOKEN / TF_VAR_…. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** Runs one terraform command and resolves with its output; rejects on a non-zero exit. */
export function runTerraform(args: readonly string[], options: TerraformRunOptions): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'terraform',
      [`-chdir=${options.dir}`, ...args],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? 300_000,
        env: {
          ...process.env,
          ...options.env,
          TF_CLI_CONFIG_FILE: options.cliConfigFile,
          CHECKPOINT_DISABLE: '1',
          TF_IN_AUTOMATION: '1',
          TF_INPUT: '0',
          NO_COLOR: '1',
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const result = { code, stdout, stderr };
        if (code !== 0) reject(new TerraformCommandError(args, result));
        else resolve(result);
      },
    );
  });
}
