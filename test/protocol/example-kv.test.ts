/**
 * The SDK's example provider (provider/protocol/examples/kv), built and packaged the way its
 * README says, driven by the real terraform CLI: init from a filesystem mirror, apply, an empty
 * plan, an in-place update, a diagnostic on the offending attribute, import, destroy.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleProvider, currentPlatform, writeMirrorPackage } from '../../provider/protocol';
import { createTerraformWorkdir, type TerraformWorkdir } from '../support/terraform';
import { REPO_ROOT } from './support/test-provider-mirror';

jest.setTimeout(180_000);

const EXAMPLE = join(REPO_ROOT, 'provider/protocol/examples/kv');

describe('example provider "kv" under the terraform CLI', () => {
  let buildDir: string;
  let w: TerraformWorkdir;

  beforeAll(async () => {
    buildDir = mkdtempSync(join(tmpdir(), 'kv-example-'));
    const { bundlePath } = await bundleProvider({ entry: join(EXAMPLE, 'main.ts'), outDir: join(buildDir, 'bundle'), codeCache: false });
    await writeMirrorPackage({
      mirrorDir: join(buildDir, 'mirror'),
      namespace: 'example',
      type: 'kv',
      version: '0.1.0',
      platforms: [currentPlatform()],
      bundlePath,
    });
    w = await createTerraformWorkdir({
      mirrorDir: join(buildDir, 'mirror'),
      providerSources: ['registry.terraform.io/example/kv'],
      files: { 'main.tf': readFileSync(join(EXAMPLE, 'main.tf'), 'utf8') },
    });
  });
  afterAll(() => {
    w?.cleanup();
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  const entryFile = (key: string): string => join(w.dir, 'data', `${key}.txt`);

  test('init installs the provider from the mirror', async () => {
    const init = await w.runOk(['init']);
    expect(init.stdout).toContain('Terraform has been successfully initialized!');
  });

  test('apply creates the entry and the data source reads it back', async () => {
    await w.runOk(['apply', '-auto-approve']);
    expect(readFileSync(entryFile('greeting'), 'utf8')).toBe('hello');
    const outputs = JSON.parse((await w.runOk(['output', '-json'])).stdout) as Record<string, { value: string }>;
    expect(outputs.read_back?.value).toBe('hello');
    expect(outputs.sha256?.value).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  });

  test('a second plan is empty', async () => {
    const plan = await w.run(['plan', '-detailed-exitcode']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes.');
  });

  test('a changed value updates in place; a changed key replaces', async () => {
    await w.writeFile('main.tf', readFileSync(join(EXAMPLE, 'main.tf'), 'utf8').replace('value = "hello"', 'value = "hi"'));
    const plan = await w.runOk(['plan']);
    expect(plan.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
    await w.runOk(['apply', '-auto-approve']);
    expect(readFileSync(entryFile('greeting'), 'utf8')).toBe('hi');
    await w.writeFile('main.tf', readFileSync(join(EXAMPLE, 'main.tf'), 'utf8').replace('key   = "greeting"', 'key   = "salute"'));
    const replace = await w.runOk(['plan']);
    expect(replace.stdout).toContain('# kv_entry.greeting must be replaced');
    expect(replace.stdout).toMatch(/~ key\s+= "greeting" -> "salute" # forces replacement/);
  });

  test('an invalid key is reported on its line', async () => {
    await w.writeFile('main.tf', readFileSync(join(EXAMPLE, 'main.tf'), 'utf8').replace('key   = "greeting"', 'key   = "Not Valid"'));
    const r = await w.run(['validate']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('Invalid key');
    expect(r.stdout + r.stderr).toContain('key   = "Not Valid"');
  });

  test('import adopts an entry made outside Terraform', async () => {
    // The configuration as last applied (value "hi"), so only the import is new.
    await w.writeFile('main.tf', readFileSync(join(EXAMPLE, 'main.tf'), 'utf8').replace('value = "hello"', 'value = "hi"'));
    writeFileSync(entryFile('other'), 'made by hand');
    await w.writeFile('other.tf', 'resource "kv_entry" "other" {\n  key   = "other"\n  value = "made by hand"\n}\n');
    await w.runOk(['import', 'kv_entry.other', 'other']);
    const plan = await w.run(['plan', '-detailed-exitcode']);
    expect(plan.stdout).toContain('No changes.');
  });

  test('destroy removes every entry', async () => {
    await w.runOk(['destroy', '-auto-approve']);
    expect(existsSync(entryFile('greeting'))).toBe(false);
    expect(existsSync(entryFile('other'))).toBe(false);
  });
});
