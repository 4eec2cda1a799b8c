/**
 * One signed provider release (all five platforms, plus the network-mirror layout) built with
 * the release builder, shared by every test file and jest worker of a run and reused by later
 * runs while the sources are unchanged: a cache directory keyed by a hash of the sources,
 * published with an atomic rename so concurrent builders never see half a release.
 *
 * The release is signed with a key generated for the cache entry (TESSERA_HOME inside it), so
 * tests never touch the developer's .tessera/ signing key.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVIDER_VERSION } from '../../provider/tessera/version';
import { buildProviderRelease, RELEASE_PLATFORMS } from '../../scripts/provider-release';
import { sourceHash } from './source-hash';

const REPO_ROOT = join(__dirname, '..', '..');

export interface CachedRelease {
  /** What TESSERA_PROVIDER_RELEASES points at: holds `<version>/`. */
  releasesDir: string;
  /** `<releasesDir>/<version>`. */
  versionDir: string;
  /** The network-mirror layout root (holds registry.terraform.io/tessera/tessera/). */
  networkMirrorDir: string;
  version: string;
  platforms: readonly string[];
  /** The armored private key the release is signed with. */
  signingKeyFile: string;
}

function buildKey(platforms: readonly string[]): string {
  return sourceHash(REPO_ROOT, {
    paths: ['provider/protocol', 'provider/tessera', 'provider/resources', 'scripts/provider-packaging.ts', 'scripts/provider-release.ts'],
    skipDirs: ['fixtures', 'example'],
    salt: [process.version, PROVIDER_VERSION, ...platforms],
  });
}

/** Cache entries of other source versions older than a day: nobody runs them any more. */
function pruneOld(root: string): void {
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const entry of readdirSync(root)) {
    const dir = join(root, entry);
    if (statSync(dir).mtimeMs < dayAgo) rmSync(dir, { recursive: true, force: true });
  }
}

export async function cachedProviderRelease(platforms: readonly string[] = RELEASE_PLATFORMS): Promise<CachedRelease> {
  const root = join(tmpdir(), 'tessera-provider-releases');
  mkdirSync(root, { recursive: true });
  const key = buildKey(platforms);
  const finalDir = join(root, key);
  const describe = (dir: string): CachedRelease => ({
    releasesDir: join(dir, 'releases'),
    versionDir: join(dir, 'releases', PROVIDER_VERSION),
    networkMirrorDir: join(dir, 'network-mirror'),
    version: PROVIDER_VERSION,
    platforms,
    signingKeyFile: join(dir, 'home', 'provider-signing-key.asc'),
  });
  if (existsSync(join(finalDir, 'complete'))) return describe(finalDir);
  pruneOld(root);
  const workDir = join(root, `${key}.tmp-${process.pid}-${Date.now()}`);
  const target = describe(workDir);
  try {
    await buildProviderRelease({
      outDir: target.releasesDir,
      networkMirrorDir: target.networkMirrorDir,
      platforms,
      env: { ...process.env, TESSERA_HOME: join(workDir, 'home'), TESSERA_PROVIDER_SIGNING_KEY: '' },
    });
    writeFileSync(join(workDir, 'complete'), readFileSync(join(target.versionDir, `terraform-provider-tessera_${PROVIDER_VERSION}_SHA256SUMS`)));
    renameSync(workDir, finalDir);
  } catch (error) {
    rmSync(workDir, { recursive: true, force: true });
    // Another worker published the same build first; use theirs.
    if (existsSync(join(finalDir, 'complete'))) return describe(finalDir);
    throw error;
  }
  return describe(finalDir);
}
