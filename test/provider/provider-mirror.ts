/**
 * Builds the tessera provider once per source version and installs it into a filesystem mirror
 * shared by every provider e2e test file and jest worker: a cache directory keyed by a hash of
 * the sources, published with an atomic rename so concurrent builders never see half a mirror.
 * Installation goes through scripts/provider-packaging.ts, the same code as provider:install.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADDRESSES, buildProvider, installProvider, REPO_ROOT } from '../../scripts/provider-packaging';
import { pruneOldBuilds, sourceHash } from '../support/source-hash';
import { PROVIDER_VERSION } from '../../provider/tessera/version';

export interface ProviderMirror {
  mirrorDir: string;
  bundlePath: string;
  /** `registry.terraform.io/tessera/tessera` and `registry.opentofu.org/tessera/tessera`. */
  addresses: string[];
  version: string;
  h1: string;
}

function buildKey(): string {
  return sourceHash(REPO_ROOT, {
    paths: ['provider/protocol', 'provider/tessera', 'provider/resources', 'scripts/provider-packaging.ts'],
    skipDirs: ['fixtures', 'example'],
    salt: [process.execPath, PROVIDER_VERSION],
  });
}

export async function providerMirror(): Promise<ProviderMirror> {
  const root = join(tmpdir(), 'tessera-provider-tests');
  const key = buildKey();
  const finalDir = join(root, key);
  const describe = (dir: string, h1: string): ProviderMirror => ({
    mirrorDir: join(dir, 'mirror'),
    bundlePath: join(dir, 'bundle', 'provider.js'),
    addresses: [...ADDRESSES],
    version: PROVIDER_VERSION,
    h1,
  });
  if (existsSync(join(finalDir, 'complete'))) return describe(finalDir, readFileSync(join(finalDir, 'complete'), 'utf8'));
  pruneOldBuilds(root);
  const workDir = join(root, `${key}.tmp-${process.pid}-${Date.now()}`);
  const built = await buildProvider(join(workDir, 'bundle'));
  const installed = await installProvider({ bundlePath: built.bundlePath, mirrorDir: join(workDir, 'mirror') });
  writeFileSync(join(workDir, 'complete'), installed.hash);
  try {
    renameSync(workDir, finalDir);
  } catch {
    // Another worker published the same build first; use theirs.
    rmSync(workDir, { recursive: true, force: true });
  }
  return describe(finalDir, readFileSync(join(finalDir, 'complete'), 'utf8'));
}
