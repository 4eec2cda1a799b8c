// Drives the built command line as a subprocess: the bundle is built from the current sources
// into a temporary folder (as `npm run cli:build` builds dist/cli/tessera.cjs), and every run
// gets a clean environment with its own XDG_CONFIG_HOME.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCli } from '../../../scripts/cli-build';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliHome {
  /** The folder holding config/ (XDG_CONFIG_HOME) and home/. */
  root: string;
  configHome: string;
  configFile: string;
  /** The environment every run starts from: PATH, HOME, XDG_CONFIG_HOME only. */
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export interface BuiltCli {
  bundle: string;
  /** A fresh home with an empty configuration folder. */
  home(): CliHome;
  run(
    args: readonly string[],
    options?: { home?: CliHome; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
  ): Promise<CliResult>;
  remove(): void;
}

export async function buildTestCli(): Promise<BuiltCli> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-'));
  const bundle = await buildCli(path.join(dir, 'tessera.cjs'));
  const homes: CliHome[] = [];
  let defaultHome: CliHome | undefined;
  const home = (): CliHome => {
    const root = fs.mkdtempSync(path.join(dir, 'home-'));
    const configHome = path.join(root, 'config');
    fs.mkdirSync(path.join(root, 'home'));
    const created: CliHome = {
      root,
      configHome,
      configFile: path.join(configHome, 'tessera', 'config.json'),
      env: { PATH: process.env.PATH, HOME: path.join(root, 'home'), XDG_CONFIG_HOME: configHome },
      remove: () => fs.rmSync(root, { recursive: true, force: true }),
    };
    homes.push(created);
    return created;
  };
  return {
    bundle,
    home,
    run(args, options = {}) {
      const runHome = options.home ?? (defaultHome ??= home());
      return runProcess(
        process.execPath,
        [bundle, ...args],
        { ...runHome.env, ...options.env },
        options.input,
        options.timeoutMs ?? 30_000,
      );
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export function runProcess(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input: string | undefined,
  timeoutMs: number,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** The configuration file as the CLI wrote it. */
export function readConfigFile(home: CliHome): { default_profile?: string; profiles: Record<string, Record<string, unknown>> } {
  return JSON.parse(fs.readFileSync(home.configFile, 'utf8')) as {
    default_profile?: string;
    profiles: Record<string, Record<string, unknown>>;
  };
}

/** A schema of the OpenAPI document the API serves: its property names and required ones, sorted. */
export async function documentedSchema(apiUrl: string, name: string): Promise<{ properties: string[]; required: string[] }> {
  const document = (await (await fetch(`${apiUrl}/api/v1/openapi.json`)).json()) as {
    components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
  };
  const schema = document.components.schemas[name];
  if (schema === undefined) throw new Error(`the OpenAPI document has no schema ${name}`);
  return { properties: Object.keys(schema.properties ?? {}).sort(), required: [...(schema.required ?? [])].sort() };
}
