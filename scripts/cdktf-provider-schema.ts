// Reads the tessera provider's schema the way a user's Terraform sees it: install the built
// provider into a throw-away filesystem mirror, `terraform init` a workspace that requires it,
// then `terraform providers schema -json`. Bindings made from this cannot drift from the provider.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, type ProviderSchemaDocument } from './cdktf-bindings';
import { TESSERA_PROVIDER_ADDRESS, requireTerraformBinary, runTerraform, writeMirrorCliConfig } from './cdktf-terraform';

export interface InstalledProviderSchema {
  readonly schema: ProviderSchemaDocument;
  /** The version terraform selected from the mirror, e.g. `0.1.0`. */
  readonly version: string;
}

/** Lays the built provider out in `mirrorDir` with the provider's own packaging script. */
export function installProviderMirror(mirrorDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      ['run', '--silent', 'provider:install', '--', '--mirror', mirrorDir],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000, env: { ...process.env, CHECKPOINT_DISABLE: '1' } },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `could not install the tessera provider into a filesystem mirror (did "npm run provider:build" run?):\n${stderr || stdout || error.message}`,
            ),
          );
        } else resolve();
      },
    );
  });
}

/** A workspace whose only requirement is the tessera provider, installed from `mirrorDir`. */
export async function initTesseraWorkspace(dir: string, mirrorDir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const cliConfigFile = path.join(dir, 'terraform.rc');
  writeMirrorCliConfig(cliConfigFile, mirrorDir);
  writeFileSync(
    path.join(dir, 'main.tf.json'),
    JSON.stringify({ terraform: { required_providers: { tessera: { source: 'tessera/tessera' } } } }, null, 2),
  );
  await runTerraform(['init', '-backend=false'], { dir, cliConfigFile });
  return cliConfigFile;
}

/**
 * `existingMirrorDir`: a filesystem mirror that already holds the provider (tests share one built
 * from the current sources); without it the built provider in dist/ is installed into a fresh one.
 */
export async function readInstalledProviderSchema(existingMirrorDir?: string): Promise<InstalledProviderSchema> {
  requireTerraformBinary();
  const scratch = mkdtempSync(path.join(tmpdir(), 'tessera-schema-'));
  try {
    let mirrorDir = existingMirrorDir;
    if (!mirrorDir) {
      mirrorDir = path.join(scratch, 'mirror');
      await installProviderMirror(mirrorDir);
    }
    const workspace = path.join(scratch, 'workspace');
    const cliConfigFile = await initTesseraWorkspace(workspace, mirrorDir);

    const schemaRun = await runTerraform(['providers', 'schema', '-json'], { dir: workspace, cliConfigFile });
    const schema = JSON.parse(schemaRun.stdout) as ProviderSchemaDocument;
    if (!schema.provider_schemas?.[TESSERA_PROVIDER_ADDRESS]) {
      throw new Error(`terraform returned no schema for ${TESSERA_PROVIDER_ADDRESS}`);
    }

    const versionRun = await runTerraform(['version', '-json'], { dir: workspace, cliConfigFile });
    const selections = (JSON.parse(versionRun.stdout) as { provider_selections?: Record<string, string> }).provider_selections;
    const version = selections?.[TESSERA_PROVIDER_ADDRESS];
    if (!version) throw new Error(`terraform did not select a version of ${TESSERA_PROVIDER_ADDRESS}`);
    return { schema, version };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
