// Builds the committed CDKTF bindings and example stacks with their own tsconfigs, and synthesizes
// a stack into a directory of the test's choosing.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const BINDINGS_PACKAGE_DIR = path.join(REPO_ROOT, 'provider/cdktf');
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'cdktf-examples');
export const EXAMPLE_STACKS = ['ci-token', 'team-tokens', 'ci-identity'] as const;
export type ExampleStack = (typeof EXAMPLE_STACKS)[number];

interface ProcessResult {
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, encoding: 'utf8', timeout: 300_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} ${args.join(' ')} failed:\n${stdout}${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** Test files compiling the same projects in parallel workers would overwrite each other's output. */
const COMPILE_LOCK = '/tmp/tessera-cdktf-compile.lock';

/** `tsc -p` for each project in order, with the repository's TypeScript, under one lock. */
export async function compileProjects(projects: readonly string[]): Promise<void> {
  const tsc = require.resolve('typescript/bin/tsc');
  // sh runs `node tsc -p <project>` for each project ($1 = node, $2 = tsc, the rest = projects).
  const script = 'node="$1"; tsc="$2"; shift 2; for p in "$@"; do "$node" "$tsc" -p "$p" || exit 1; done';
  await run('flock', [COMPILE_LOCK, 'sh', '-c', script, 'sh', process.execPath, tsc, ...projects], REPO_ROOT, process.env);
}

/** The bindings package (src → lib), then every example stack (main.ts → dist), each with its own tsconfig. */
export function compileBindingsAndExamples(): Promise<void> {
  return compileProjects([BINDINGS_PACKAGE_DIR, ...EXAMPLE_STACKS.map((stack) => path.join(EXAMPLES_DIR, stack))]);
}

export interface SynthesizedStack {
  /** The directory terraform runs in: `<workDir>/cdktf.out/stacks/<stack>`. */
  readonly stackDir: string;
  /** cdk.tf.json as text, to look for secrets in. */
  readonly text: string;
  readonly json: SynthesizedConfig;
}

/** The parts of cdk.tf.json that the tests look at. */
export interface SynthesizedConfig {
  readonly terraform: { readonly required_providers: Record<string, { source: string; version?: string }> };
  readonly provider?: Record<string, ReadonlyArray<Record<string, unknown>>>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly ephemeral?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
  readonly variable?: Record<string, { type?: string; sensitive?: boolean }>;
}

/**
 * Runs the compiled stack with `node`, with `workDir` as the current directory, so cdktf.out and
 * the local state file land there. `env` is added to the environment (to prove that credentials
 * present at synth time do not end up in the output).
 */
export function synthExample(stack: ExampleStack, workDir: string, env: Readonly<Record<string, string>> = {}): Promise<SynthesizedStack> {
  return synthProgram(path.join(EXAMPLES_DIR, stack, 'dist', 'main.js'), stack, workDir, env);
}

/** Runs a compiled CDK program (`main`) that synthesizes the stack `stack`; see synthExample. */
export async function synthProgram(
  main: string,
  stack: string,
  workDir: string,
  env: Readonly<Record<string, string>> = {},
): Promise<SynthesizedStack> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // An outdir inherited from the caller's shell would send the output elsewhere.
  delete childEnv.CDKTF_OUTDIR;
  await run(process.execPath, [main], workDir, childEnv);
  const stackDir = path.join(workDir, 'cdktf.out', 'stacks', stack);
  const text = readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8');
  return { stackDir, text, json: JSON.parse(text) as SynthesizedConfig };
}
