// Packaging: provider:install into the implied local mirror lets a plain `terraform init` (no
// CLI configuration) install tessera/tessera and lock it; --mirror prints a working
// provider_installation block; a changed package never reuses an installed version.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeH1Hash } from '../../provider/protocol';
import { PROVIDER_VERSION } from '../../provider/tessera/version';
import { buildProvider, installProvider, providerInstallationBlock, REPO_ROOT, VersionReuseError } from '../../scripts/provider-packaging';
import { findTerraformBinary } from '../support/terraform';
import { providerMirror } from './provider-mirror';

jest.setTimeout(180_000);

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

const MAIN_TF = `
terraform {
  required_providers {
    tessera = { source = "tessera/tessera" }
  }
}
`;

describe('provider packaging', () => {
  it('installs into ~/.terraform.d/plugins so that terraform init needs no CLI configuration', async () => {
    const { bundlePath } = await providerMirror();
    const home = tempDir('tessera-home-');
    const installed = await installProvider({ bundlePath, mirrorDir: join(home, '.terraform.d', 'plugins') });
    expect(installed.packageDirs).toEqual([
      join(home, '.terraform.d/plugins/registry.terraform.io/tessera/tessera', PROVIDER_VERSION, installed.platform),
      join(home, '.terraform.d/plugins/registry.opentofu.org/tessera/tessera', PROVIDER_VERSION, installed.platform),
    ]);
    const work = tempDir('tessera-init-');
    writeFileSync(join(work, 'main.tf'), MAIN_TF);
    const emptyCliConfig = join(home, 'empty.tfrc');
    writeFileSync(emptyCliConfig, '');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      TF_CLI_CONFIG_FILE: emptyCliConfig,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
    };
    const init = await run(findTerraformBinary(), ['init', '-no-color', '-input=false'], work, env);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`Installing tessera/tessera v${PROVIDER_VERSION}`);
    const lock = readFileSync(join(work, '.terraform.lock.hcl'), 'utf8');
    expect(lock).toContain(`version = "${PROVIDER_VERSION}"`);
    expect(lock).toContain(installed.hash);
    const schema = await run(findTerraformBinary(), ['providers', 'schema', '-json'], work, env);
    expect(schema.code).toBe(0);
    expect(schema.stdout).toContain('tessera_personal_access_token');
    // The provider leaves its V8 code cache in the user's cache directory, not in the package.
    expect(readdirSync(join(home, '.cache', 'tf-provider-code-cache')).filter((f) => f.endsWith('.v8cache'))).toHaveLength(1);
    expect(await computeH1Hash(installed.packageDirs[0] ?? '')).toBe(installed.hash);
  });

  it('reinstalls an identical build as a no-op and refuses a different package under the same version', async () => {
    const { bundlePath } = await providerMirror();
    const mirrorDir = tempDir('tessera-mirror-');
    const first = await installProvider({ bundlePath, mirrorDir });
    expect(first.unchanged).toBe(false);
    const again = await installProvider({ bundlePath, mirrorDir });
    expect(again.unchanged).toBe(true);
    expect(again.hash).toBe(first.hash);

    const changed = join(tempDir('tessera-changed-'), 'provider.js');
    writeFileSync(changed, `${readFileSync(bundlePath, 'utf8')}\n// rebuilt\n`);
    const refused = await installProvider({ bundlePath: changed, mirrorDir }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(VersionReuseError);
    expect((refused as Error).message).toContain('bump PROVIDER_VERSION in provider/tessera/version.ts');
    expect(await computeH1Hash(first.packageDirs[0] ?? '')).toBe(first.hash);

    const bumped = await installProvider({ bundlePath: changed, mirrorDir, version: '99.0.1' });
    expect(bumped.hash).not.toBe(first.hash);
    expect(existsSync(first.packageDirs[0] ?? '')).toBe(true);

    const forced = await installProvider({ bundlePath: changed, mirrorDir, force: true });
    expect(forced.hash).not.toBe(first.hash);
  });

  it('two builds of the same sources give the same package: reinstalling is a no-op, and nothing absolute is in it', async () => {
    const mirrorDir = tempDir('tessera-rebuild-mirror-');
    const first = await buildProvider(tempDir('tessera-build-a-'));
    const second = await buildProvider(tempDir('tessera-build-b-'));
    const installed = await installProvider({ bundlePath: first.bundlePath, mirrorDir });
    const again = await installProvider({ bundlePath: second.bundlePath, mirrorDir });
    expect(again.unchanged).toBe(true);
    expect(again.hash).toBe(installed.hash);
    const launcher = readFileSync(join(installed.packageDirs[0] ?? '', `terraform-provider-tessera_v${PROVIDER_VERSION}`), 'utf8');
    expect(launcher).not.toContain(process.execPath);
    expect(launcher).toContain('TESSERA_NODE');
  });

  it('npm run provider:install -- --mirror DIR writes there and prints the provider_installation block', async () => {
    const mirrorDir = tempDir('tessera-cli-mirror-');
    const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const result = await run(tsx, ['scripts/provider-install.ts', '--mirror', mirrorDir, '--dist', tempDir('tessera-dist-')], REPO_ROOT, {
      PATH: process.env.PATH ?? '',
      HOME: tempDir('tessera-home-'),
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(providerInstallationBlock(mirrorDir));
    expect(existsSync(join(mirrorDir, 'registry.terraform.io/tessera/tessera', PROVIDER_VERSION))).toBe(true);
    expect(existsSync(join(mirrorDir, 'registry.opentofu.org/tessera/tessera', PROVIDER_VERSION))).toBe(true);
  });
});
