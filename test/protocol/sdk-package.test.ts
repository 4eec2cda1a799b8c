/**
 * provider/protocol as a package of its own (@tessera/terraform-plugin): it builds with its
 * own tsconfig, every export in package.json exists in the build, its declared dependencies
 * are exactly the packages the built code loads, and the build runs with only those installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './support/test-provider-mirror';

jest.setTimeout(180_000);

const PACKAGE_DIR = join(REPO_ROOT, 'provider/protocol');

interface PackageJson {
  name: string;
  version: string;
  exports: Record<string, string | { types: string; default: string }>;
  files: string[];
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as PackageJson;

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

describe('@tessera/terraform-plugin package', () => {
  let root: string;
  let installed: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'sdk-package-'));
    // Installed as a consumer would have it: node_modules/@tessera/terraform-plugin.
    installed = join(root, 'node_modules', ...pkg.name.split('/'));
    mkdirSync(installed, { recursive: true });
    execFileSync(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        join(PACKAGE_DIR, 'tsconfig.build.json'),
        '--outDir',
        join(installed, 'dist'),
      ],
      { stdio: 'pipe' },
    );
    cpSync(join(PACKAGE_DIR, 'package.json'), join(installed, 'package.json'));
    // Only the declared runtime dependencies are installed beside it (their own dependencies
    // resolve from where they really live, as npm would have hoisted them).
    for (const dep of Object.keys(pkg.dependencies)) {
      const target = join(root, 'node_modules', ...dep.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      symlinkSync(join(REPO_ROOT, 'node_modules', ...dep.split('/')), target);
    }
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('has a publishable name, version and file list', () => {
    expect(pkg.name).toBe('@tessera/terraform-plugin');
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'README.md', 'CHANGELOG.md']));
    for (const doc of ['README.md', 'CHANGELOG.md']) expect(existsSync(join(PACKAGE_DIR, doc))).toBe(true);
    expect(readFileSync(join(PACKAGE_DIR, 'CHANGELOG.md'), 'utf8')).toContain(`## ${pkg.version}`);
  });

  test('no "main" field: this repository imports the directory by relative path, which must keep resolving to the sources', () => {
    // Node reads "main" for a relative directory import; pointing it at the (unbuilt) dist
    // makes every such import print a deprecation warning. Consumers go through "exports".
    expect(pkg).not.toHaveProperty('main');
    const run = spawnSync(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['-e', "require('./provider/protocol'); process.stdout.write('ok')"], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect({ stdout: run.stdout, stderr: run.stderr }).toEqual({ stdout: 'ok', stderr: '' });
  });

  test('every export points at a built file', () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      const files = typeof target === 'string' ? [target] : [target.types, target.default];
      for (const file of files)
        expect({ subpath, file, exists: existsSync(join(installed, file)) }).toEqual({ subpath, file, exists: true });
    }
  });

  test('the declared dependencies are exactly what the built code loads', () => {
    const loaded = new Set<string>();
    for (const file of walk(join(installed, 'dist')).filter((f) => f.endsWith('.js'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:require|import)\(["']([^"'.][^"']*)["']\)/g)) {
        const specifier = match[1] ?? '';
        if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        loaded.add(packageName(specifier));
      }
    }
    const declared = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {})].sort();
    expect([...loaded].sort()).toEqual(declared);
  });

  test('a consumer with only the declared dependencies can define, serve in-process and package a provider', () => {
    const script = `
      const sdk = require('@tessera/terraform-plugin');
      const { createProviderServer } = require('@tessera/terraform-plugin/testing');
      const { serveProvider } = require('@tessera/terraform-plugin/serve');
      const schema = sdk.defineSchema({ attributes: { name: { type: 'string', required: true } } });
      const provider = sdk.defineProvider({ typeName: 'demo', schema: sdk.defineSchema({}), configure: () => ({}),
        resources: [{ typeName: 'demo_thing', schema, create: () => ({}), read: ({ state }) => state, delete() {} }] });
      createProviderServer(provider).getMetadata({}).then((m) => {
        process.stdout.write(JSON.stringify({ resources: m.resources, serve: typeof serveProvider, bundle: typeof sdk.bundleProvider }));
      });`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ resources: ['demo_thing'], serve: 'function', bundle: 'function' });
  });
});

test('the README shows the example provider exactly as it is in examples/kv', () => {
  const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
  const block = /<!-- example: examples\/kv\/provider\.ts -->\n```ts\n([\s\S]*?)```\n/.exec(readme)?.[1];
  expect(block).toBe(readFileSync(join(PACKAGE_DIR, 'examples/kv/provider.ts'), 'utf8'));
});
