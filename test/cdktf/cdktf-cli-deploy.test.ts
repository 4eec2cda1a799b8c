// The real cdktf CLI (cdktf-cli 0.21.0) deploys and destroys the example stacks from a fresh copy
// of their committed files (no cdktf.out, no lock file, no state), against a real API; the
// provider comes from the filesystem mirror, nothing from a registry. Both documented ways past
// cdktf's `terraform providers lock` are run: ci-token with its README's own `npx cdktf` lines
// (--skip-provider-lock), team-tokens with the lock step the ci-token README gives for wrappers
// that cannot pass the flag (synth, `providers lock -fs-mirror`, plain deploy).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { currentPlatform } from '../../provider/protocol/packaging/mirror';
import { runTerraform, TESSERA_PROVIDER_ADDRESS } from '../../scripts/cdktf-terraform';
import { providerMirror } from '../provider/provider-mirror';
import { startE2eEnvironment, type E2eEnvironment } from './support/e2e';
import { getMe, listActiveTokens } from './support/stack-run';
import { BINDINGS_PACKAGE_DIR, compileProjects, REPO_ROOT, type ExampleStack } from './support/stacks';

jest.setTimeout(600_000);

const CDKTF = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf');

let e2e: E2eEnvironment;

interface CliResult {
  code: number;
  output: string;
}

/** What a fresh clone holds of an example: only files under version control. */
function committedFiles(stack: ExampleStack): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['ls-files', '-z', 'cdktf-examples/tsconfig.base.json', `cdktf-examples/${stack}`],
      { cwd: REPO_ROOT },
      (error, stdout) => {
        if (error) reject(error);
        else resolve(stdout.split('\0').filter((f) => f !== ''));
      },
    );
  });
}

/** Copies the committed files of `stack` into a new clone directory; returns the stack's folder in it. */
async function freshCopy(stack: ExampleStack): Promise<string> {
  const clone = path.join(e2e.scratch, `clone-${stack}`);
  for (const file of await committedFiles(stack)) {
    mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    cpSync(path.join(REPO_ROOT, file), path.join(clone, file));
  }
  // `npm install` in the clone: the same packages, cdktf-cli among them.
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  const stackHome = path.join(clone, 'cdktf-examples', stack);
  expect(existsSync(path.join(stackHome, 'cdktf.json'))).toBe(true);
  expect(existsSync(path.join(stackHome, 'cdktf.out'))).toBe(false);
  return stackHome;
}

/** Runs `npx cdktf <args>` in `stackHome`; throws with the output unless it exits 0. */
function cdktf(stackHome: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      CDKTF,
      [...args, '--no-color'],
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
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const output = `${stdout}\n${stderr}`;
        if (error) reject(new Error(`cdktf ${args.join(' ')} failed (${String(error.code)}):\n${output}`));
        else resolve({ code: 0, output });
      },
    );
  });
}

/** The README's command line that starts with `npx cdktf <verb>`, as arguments for the CLI. */
function documentedCommand(stackHome: string, verb: 'deploy' | 'diff' | 'destroy'): string[] {
  const readme = readFileSync(path.join(stackHome, 'README.md'), 'utf8');
  const line = readme.split('\n').find((l) => l.trim().startsWith(`npx cdktf ${verb} `));
  if (!line) throw new Error(`the README documents no "npx cdktf ${verb}" command`);
  return line.replace(/#.*$/, '').trim().split(/\s+/).slice(2);
}

const activeNamed = async (prefix: string) =>
  (await listActiveTokens(e2e.api.url, e2e.api.adminToken)).filter((t) => t.name.startsWith(prefix));

beforeAll(async () => {
  e2e = await startE2eEnvironment(() => compileProjects([BINDINGS_PACKAGE_DIR]));
});

afterAll(async () => {
  await e2e?.close();
});

describe("cdktf-examples/ci-token with the README's npx cdktf commands", () => {
  let stackHome: string;
  let secret: string;
  const env = () => ({ TESSERA_API_TOKEN: e2e.api.adminToken });
  const stackDir = () => path.join(stackHome, 'cdktf.out', 'stacks', 'ci-token');

  it('deploys a fresh copy: the provider from the mirror, a lock file with its hash', async () => {
    stackHome = await freshCopy('ci-token');
    const args = documentedCommand(stackHome, 'deploy');
    expect(args).toEqual(expect.arrayContaining(['--auto-approve']));
    const deployed = await cdktf(stackHome, args, env());
    expect(deployed.output).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
    const lock = readFileSync(path.join(stackDir(), '.terraform.lock.hcl'), 'utf8');
    expect(lock).toContain(`provider "${TESSERA_PROVIDER_ADDRESS}"`);
    expect(lock).toContain(`"${(await providerMirror()).h1}"`);
  });

  it('made a token that works on /me', async () => {
    secret = (await runTerraform(['output', '-raw', 'token'], { dir: stackDir(), cliConfigFile: e2e.cliConfigFile })).stdout;
    expect(secret).toMatch(/^tspat_[0-9A-Za-z]{36}$/);
    const me = await getMe(e2e.api.url, secret);
    expect(me.status).toBe(200);
    expect(me.body?.email).toBe('admin@tessera.localhost');
    expect(await activeNamed('ci-deploy')).toHaveLength(1);
  });

  it('plans no changes with cdktf diff', async () => {
    expect((await cdktf(stackHome, documentedCommand(stackHome, 'diff'), env())).output).toContain('No changes.');
  });

  it('destroys, which revokes the token', async () => {
    const destroyed = await cdktf(stackHome, documentedCommand(stackHome, 'destroy'), env());
    expect(destroyed.output).toContain('Destroy complete! Resources: 1 destroyed.');
    expect((await getMe(e2e.api.url, secret)).status).toBe(401);
    expect(await activeNamed('ci-deploy')).toHaveLength(0);
  });
});

describe('cdktf-examples/team-tokens with the lock step and a plain cdktf deploy', () => {
  let stackHome: string;
  let secrets: string[];
  // The stack takes the API token from a sensitive variable, not from TESSERA_API_TOKEN.
  const env = () => ({ TF_VAR_tessera_api_token: e2e.api.adminToken });
  const stackDir = () => path.join(stackHome, 'cdktf.out', 'stacks', 'team-tokens');

  it('deploys a fresh copy after synth and terraform providers lock -fs-mirror', async () => {
    stackHome = await freshCopy('team-tokens');
    await cdktf(stackHome, ['synth'], env());
    await runTerraform(['providers', 'lock', `-fs-mirror=${e2e.mirrorDir}`, `-platform=${currentPlatform()}`, TESSERA_PROVIDER_ADDRESS], {
      dir: stackDir(),
      cliConfigFile: e2e.cliConfigFile,
    });
    const deployed = await cdktf(stackHome, ['deploy', '--auto-approve'], env());
    expect(deployed.output).toContain('Apply complete! Resources: 3 added, 0 changed, 0 destroyed.');
    const tokens = JSON.parse(
      (await runTerraform(['output', '-json', 'tokens'], { dir: stackDir(), cliConfigFile: e2e.cliConfigFile })).stdout,
    ) as Record<string, string>;
    secrets = Object.values(tokens);
    expect(secrets).toHaveLength(3);
    for (const secret of secrets) expect((await getMe(e2e.api.url, secret)).status).toBe(200);
  });

  it('destroys with a plain cdktf destroy, which revokes every token', async () => {
    const destroyed = await cdktf(stackHome, ['destroy', '--auto-approve'], env());
    expect(destroyed.output).toContain('Destroy complete! Resources: 3 destroyed.');
    for (const secret of secrets) expect((await getMe(e2e.api.url, secret)).status).toBe(401);
  });
});
