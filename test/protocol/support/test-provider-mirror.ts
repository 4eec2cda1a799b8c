/**
 * Builds the test provider bundle and its filesystem mirror once per source version and shares
 * it between test files and jest workers (a cache directory keyed by a hash of the sources,
 * published with an atomic rename so concurrent builders never see half a mirror).
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleProvider, computeH1Hash, writeMirrorPackage, type Launcher } from '../../../provider/protocol';
import { sourceHash } from '../../support/source-hash';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const TPT_NAMESPACE = 'test';
export const TPT_TYPE = 'tpt';
export const TPT_VERSION = '0.1.0';
export const TPT_SOURCE = `registry.terraform.io/${TPT_NAMESPACE}/${TPT_TYPE}`;

export interface TestProviderMirror {
  mirrorDir: string;
  bundlePath: string;
  /** The executable inside the registry.terraform.io package (what the CLI would run). */
  executablePath: string;
  h1: string;
}

export interface MirrorVariant {
  launcher?: Launcher;
  codeCache?: boolean;
}

function buildKey(launcher: Launcher, codeCache: boolean): string {
  return sourceHash(REPO_ROOT, {
    paths: ['provider/protocol', 'test/protocol/test-provider'],
    skipDirs: ['fixtures'],
    salt: [`${launcher}/${codeCache}`, process.execPath],
  });
}

export async function testProviderMirror(variant: MirrorVariant = {}): Promise<TestProviderMirror> {
  const { launcher = 'sh-exec', codeCache = true } = variant;
  const root = join(tmpdir(), 'tessera-protocol-tests');
  const key = buildKey(launcher, codeCache);
  const finalDir = join(root, key);
  const describe = async (dir: string): Promise<TestProviderMirror> => {
    const packageDir = join(dir, 'mirror', 'registry.terraform.io', TPT_NAMESPACE, TPT_TYPE, TPT_VERSION, 'linux_amd64');
    return {
      mirrorDir: join(dir, 'mirror'),
      bundlePath: join(dir, 'bundle', 'provider.js'),
      executablePath: join(packageDir, `terraform-provider-${TPT_TYPE}_v${TPT_VERSION}`),
      h1: await computeH1Hash(packageDir),
    };
  };
  if (existsSync(join(finalDir, 'complete'))) return describe(finalDir);
  // One builder at a time (jest workers start together); the others wait for its result.
  mkdirSync(root, { recursive: true });
  const lockDir = join(root, `${key}.lock`);
  const lockAge = (): number => {
    try {
      return Date.now() - statSync(lockDir).mtimeMs;
    } catch {
      return 0;
    }
  };
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      if (existsSync(join(finalDir, 'complete'))) return describe(finalDir);
      if (lockAge() > 180_000) {
        rmSync(lockDir, { recursive: true, force: true }); // a builder died holding it
        continue;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (existsSync(join(finalDir, 'complete'))) return await describe(finalDir);
    return await build(root, key, finalDir, launcher, codeCache, describe);
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

async function build(
  root: string,
  key: string,
  finalDir: string,
  launcher: Launcher,
  codeCache: boolean,
  describe: (dir: string) => Promise<TestProviderMirror>,
): Promise<TestProviderMirror> {
  const workDir = join(root, `${key}.tmp-${process.pid}-${Date.now()}`);
  const { bundlePath } = await bundleProvider({
    entry: join(REPO_ROOT, 'test/protocol/test-provider/main.ts'),
    outDir: join(workDir, 'bundle'),
    codeCache,
  });
  await writeMirrorPackage({
    mirrorDir: join(workDir, 'mirror'),
    namespace: TPT_NAMESPACE,
    type: TPT_TYPE,
    version: TPT_VERSION,
    platforms: ['linux_amd64'],
    bundlePath,
    launcher,
  });
  writeFileSync(join(workDir, 'complete'), '');
  try {
    renameSync(workDir, finalDir);
  } catch {
    // Another worker published the same build first; use theirs.
    rmSync(workDir, { recursive: true, force: true });
  }
  return describe(finalDir);
}
