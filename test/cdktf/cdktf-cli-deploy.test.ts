// The real cdktf CLI (cdktf-cli 0.21.0) deploys and destroys an example stack exactly as its
// README says, from a fresh copy of the committed files (no cdktf.out, no lock file, no state),
// against a real API: the provider comes from the filesystem mirror, nothing from a registry.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { runTerraform } from '../../scripts/cdktf-terraform';
import { providerMirror } from '../provider/provider-mirror';
import { startE2eEnvironment, type E2eEnvironment } from './support/e2e';
import { getMe, listActiveTokens } from './support/stack-run';
import { BINDINGS_PACKAGE_DIR, compileProjects, REPO_ROOT } from './support/stacks';

jest.setTimeout(600_000);

const STACK = 'ci-token';
const CDKTF = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf');

let e2e: E2eEnvironment;
let stackHome: string;

interface CliResult {
  code: number;
  output: string;
}

/** What a fresh clone holds of the example: only files under version control. */
function committedFiles(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('git', ['ls-files', '-z', 'cdktf-examples/tsconfig.base.json', `cdktf-examples/${STACK}`], { cwd: REPO_ROOT }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout.split('\0').filter((f) => f !== ''));
    });
  });
}

/** Runs `npx cdktf <args>` the way the README does, in the stack's folder of the fresh copy. */
function cdktf(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      CDKTF,
      args,
      {
        cwd: stackHome,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        timeout: 300_000,
        env: {
          ...process.env,
          // cdktf writes its own settings and a plugin cache under HOME: keep them in the scratch dir.
          HOME: path.join(e2e.scratch, 'home'),
          TF_CLI_CONFIG_FILE: e2e.cliConfigFile,
          CHECKPOINT_DISABLE: '1',
          DISABLE_VERSION_CHECK: '1',
          TESSERA_ENDPOINT: e2e.api.url,
          TESSERA_API_TOKEN: e2e.api.adminToken,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

/** The README's command line that starts with `npx cdktf <verb>`, as arguments for the CLI. */
function documentedCommand(verb: 'deploy' | 'diff' | 'destroy'): string[] {
  const readme = readFileSync(path.join(stackHome, 'README.md'), 'utf8');
  const line = readme.split('\n').find((l) => l.trim().startsWith(`npx cdktf ${verb} `));
  if (!line) throw new Error(`the ${STACK} README documents no "npx cdktf ${verb}" command`);
  return line.replace(/#.*$/, '').trim().split(/\s+/).slice(2);
}

beforeAll(async () => {
  e2e = await startE2eEnvironment(() => compileProjects([BINDINGS_PACKAGE_DIR]));
  const clone = path.join(e2e.scratch, 'clone');
  for (const file of await committedFiles()) {
    mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    cpSync(path.join(REPO_ROOT, file), path.join(clone, file));
  }
  // `npm install` in the clone: the same packages, cdktf-cli among them.
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  stackHome = path.join(clone, 'cdktf-examples', STACK);
});

afterAll(async () => {
  await e2e?.close();
});

describe(`cdktf deploy / destroy of cdktf-examples/${STACK} with the real cdktf CLI`, () => {
  let secret: string;
  const stackDir = () => path.join(stackHome, 'cdktf.out', 'stacks', STACK);

  it('deploys a fresh copy with the README command: the provider from the mirror, a lock file with its hash', async () => {
    expect(existsSync(path.join(stackHome, 'cdktf.json'))).toBe(true);
    expect(existsSync(path.join(stackHome, 'cdktf.out'))).toBe(false);
    const args = documentedCommand('deploy');
    expect(args).toEqual(expect.arrayContaining(['--auto-approve']));
    const deployed = await cdktf([...args, '--no-color']);
    if (deployed.code !== 0) throw new Error(`cdktf deploy failed (${deployed.code}):\n${deployed.output}`);
    expect(deployed.output).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
    expect(deployed.output).not.toContain('registry.terraform.io/.well-known');
    const lock = readFileSync(path.join(stackDir(), '.terraform.lock.hcl'), 'utf8');
    expect(lock).toContain('provider "registry.terraform.io/tessera/tessera"');
    expect(lock).toContain(`"${(await providerMirror()).h1}"`);
  });

  it('made a token that works on /me', async () => {
    secret = (await runTerraform(['output', '-raw', 'token'], { dir: stackDir(), cliConfigFile: e2e.cliConfigFile })).stdout;
    expect(secret).toMatch(/^tspat_[0-9A-Za-z]{36}$/);
    const me = await getMe(e2e.api.url, secret);
    expect(me.status).toBe(200);
    expect(me.body?.email).toBe('admin@localhost');
    expect((await listActiveTokens(e2e.api.url, e2e.api.adminToken)).filter((t) => t.name === 'ci-deploy')).toHaveLength(1);
  });

  it('plans no changes with the README\'s cdktf diff', async () => {
    const diff = await cdktf([...documentedCommand('diff'), '--no-color']);
    if (diff.code !== 0) throw new Error(`cdktf diff failed (${diff.code}):\n${diff.output}`);
    expect(diff.output).toContain('No changes.');
  });

  it('destroys with the README command, which revokes the token', async () => {
    const destroyed = await cdktf([...documentedCommand('destroy'), '--no-color']);
    if (destroyed.code !== 0) throw new Error(`cdktf destroy failed (${destroyed.code}):\n${destroyed.output}`);
    expect(destroyed.output).toContain('Destroy complete! Resources: 1 destroyed.');
    expect((await getMe(e2e.api.url, secret)).status).toBe(401);
    expect((await listActiveTokens(e2e.api.url, e2e.api.adminToken)).filter((t) => t.name === 'ci-deploy')).toHaveLength(0);
  });
});
