import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeH1Hash, writeMirrorPackage } from '../../../provider/protocol';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pkg-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('h1 hash: sorted by UTF-8 bytes, forward slashes, two spaces, padded base64', async () => {
  const files: Record<string, string> = { 'b.txt': 'B', 'a/z.txt': 'Z', 'ä.txt': 'umlaut', 'C.txt': 'c' };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  // Byte order: "C" (0x43) < "a" (0x61) < "b" < "ä" (0xc3 0xa4).
  const summary = ['C.txt', 'a/z.txt', 'b.txt', 'ä.txt'].map((n) => `${sha(files[n] ?? '')}  ${n}\n`).join('');
  expect(await computeH1Hash(dir)).toBe(`h1:${createHash('sha256').update(summary).digest('base64')}`);
});

test('writeMirrorPackage lays out both registry hosts with an exec wrapper', async () => {
  const bundleDir = join(dir, 'bundle');
  mkdirSync(bundleDir);
  writeFileSync(join(bundleDir, 'provider.js'), 'console.error("hi")\n');
  writeFileSync(join(bundleDir, 'provider-bundle.js'), '// code\n');
  const result = await writeMirrorPackage({
    mirrorDir: join(dir, 'mirror'),
    namespace: 'acme',
    type: 'widget',
    version: '1.2.3',
    platforms: ['linux_amd64', 'darwin_arm64'],
    bundlePath: join(bundleDir, 'provider.js'),
    nodePath: '/opt/node/bin/node',
  });
  expect(result.packageDirs).toEqual([
    join(dir, 'mirror/registry.terraform.io/acme/widget/1.2.3/linux_amd64'),
    join(dir, 'mirror/registry.terraform.io/acme/widget/1.2.3/darwin_arm64'),
    join(dir, 'mirror/registry.opentofu.org/acme/widget/1.2.3/linux_amd64'),
    join(dir, 'mirror/registry.opentofu.org/acme/widget/1.2.3/darwin_arm64'),
  ]);
  const exe = join(result.packageDirs[0] ?? '', 'terraform-provider-widget_v1.2.3');
  expect(readFileSync(exe, 'utf8')).toBe(`#!/bin/sh\nexec '/opt/node/bin/node' "$(dirname "$0")/provider.js" "$@"\n`);
  expect(statSync(exe).mode & 0o111).toBe(0o111);
  expect(readFileSync(join(result.packageDirs[0] ?? '', 'provider-bundle.js'), 'utf8')).toBe('// code\n');
  expect(result.hashes.linux_amd64).toBe(await computeH1Hash(result.packageDirs[2] ?? ''));
});

test('by default the exec wrapper finds node when it runs (the environment variable, else PATH) and names what is missing', async () => {
  const bundleDir = join(dir, 'bundle');
  mkdirSync(bundleDir);
  writeFileSync(join(bundleDir, 'provider.js'), 'process.stdout.write(process.execPath + "\\n")\n');
  const result = await writeMirrorPackage({
    mirrorDir: join(dir, 'm'),
    hostnames: ['example.com'],
    namespace: 'a',
    type: 'b',
    version: '0.0.1',
    bundlePath: join(bundleDir, 'provider.js'),
    nodeEnv: 'ACME_NODE',
  });
  const exe = join(result.packageDirs[0] ?? '', 'terraform-provider-b_v0.0.1');
  expect(readFileSync(exe, 'utf8')).not.toContain(process.execPath);
  // A PATH with the tools the script uses but no node (/bin is /usr/bin on merged-usr systems).
  const noNode = mkdtempSync(join(tmpdir(), 'no-node-'));
  symlinkSync(execFileSync('sh', ['-c', 'command -v dirname'], { encoding: 'utf8' }).trim(), join(noNode, 'dirname'));
  const viaEnv = spawnSync(exe, [], { env: { PATH: noNode, ACME_NODE: process.execPath }, encoding: 'utf8' });
  expect(viaEnv.stdout.trim()).toBe(process.execPath);
  const nodeDir = mkdtempSync(join(tmpdir(), 'node-dir-'));
  symlinkSync(process.execPath, join(nodeDir, 'node'));
  const viaPath = spawnSync(exe, [], { env: { PATH: `${nodeDir}:${noNode}` }, encoding: 'utf8' });
  expect(viaPath.status).toBe(0);
  expect(viaPath.stdout.trim()).toBe(process.execPath);
  const missing = spawnSync(exe, [], { env: { PATH: noNode }, encoding: 'utf8' });
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain('terraform-provider-b_v0.0.1: cannot find Node.js');
  expect(missing.stderr).toContain('ACME_NODE');
});

test('the node-shebang launcher is the start file itself', async () => {
  const bundleDir = join(dir, 'bundle');
  mkdirSync(bundleDir);
  writeFileSync(join(bundleDir, 'provider.js'), 'require("./provider-bundle.js")\n');
  writeFileSync(join(bundleDir, 'provider-bundle.js'), '');
  const result = await writeMirrorPackage({
    mirrorDir: join(dir, 'm'),
    hostnames: ['example.com'],
    namespace: 'a',
    type: 'b',
    version: '0.0.1',
    bundlePath: join(bundleDir, 'provider.js'),
    launcher: 'node-shebang',
  });
  const exe = join(result.packageDirs[0] ?? '', 'terraform-provider-b_v0.0.1');
  expect(readFileSync(exe, 'utf8')).toBe('#!/usr/bin/env node\nrequire("./provider-bundle.js")\n');
});

test('a version that is not semver is refused', async () => {
  await expect(writeMirrorPackage({ mirrorDir: dir, namespace: 'a', type: 'b', version: 'v1', bundlePath: 'x' })).rejects.toThrow(/semver/);
});
