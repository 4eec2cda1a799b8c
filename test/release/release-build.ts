/**
 * Builds the provider release once per source version for every test file and jest worker
 * that needs it (the release tests, the registry and network-mirror e2e tests): a directory
 * under the temp dir keyed by a hash of the sources, published with an atomic rename. The
 * signing key is generated once per build directory (tests never touch the developer's key).
 * Node binaries and built executables are cached by npm and the release builder (user cache),
 * so each platform is built once per source version.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generateSigningKey, readSigningKey } from '../../provider/protocol/packaging/signing';
import { PROVIDER_VERSION } from '../../provider/tessera/version';
import { REPO_ROOT } from '../../scripts/provider-packaging';
import { buildProviderRelease, RELEASE_PLATFORMS, type ProviderRelease } from '../../scripts/provider-release';
import { pruneOldBuilds, sourceHash } from '../support/source-hash';

export interface TestRelease extends ProviderRelease {
  /** The release root (`<root>/<version>/` is `dir`), as TESSERA_PROVIDER_RELEASES would name it. */
  root: string;
  /** The network mirror layout written with the release. */
  networkMirrorDir: string;
  /** The armored private key the release was signed with (to sign tampered copies in tests). */
  privateKeyArmored: string;
}

function buildKey(): string {
  return sourceHash(REPO_ROOT, {
    paths: [
      'provider/protocol',
      'provider/tessera',
      'provider/resources',
      'scripts/provider-packaging.ts',
      'scripts/provider-release.ts',
      'package-lock.json',
    ],
    skipDirs: ['fixtures', 'example'],
    salt: [PROVIDER_VERSION, 'release'],
  });
}

/** The release with every path passed through `map` (paths are recorded relative to the build directory). */
function relocate(release: ProviderRelease, map: (path: string) => string): ProviderRelease {
  return {
    ...release,
    dir: map(release.dir),
    archives: release.archives.map((a) => ({ ...a, file: map(a.file) })),
    files: {
      zips: release.files.zips.map(map),
      shasums: map(release.files.shasums),
      signature: map(release.files.signature),
      manifest: map(release.files.manifest),
      publicKey: map(release.files.publicKey),
    },
    allFiles: release.allFiles.map(map),
  };
}

let inProcess: Promise<TestRelease> | undefined;

/** The release of the current sources, all five platforms, built at most once. */
export function testRelease(): Promise<TestRelease> {
  inProcess ??= build();
  return inProcess;
}

async function build(): Promise<TestRelease> {
  const root = join(tmpdir(), 'tessera-release-tests');
  const key = buildKey();
  const finalDir = join(root, key);
  mkdirSync(root, { recursive: true });
  // One builder per source version across jest workers and test files: the others wait for it.
  const lock = join(root, `${key}.lock`);
  while (!existsSync(join(finalDir, 'complete'))) {
    try {
      mkdirSync(lock);
    } catch {
      // A lock older than the longest build was left by a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 30 * 60_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    try {
      if (!existsSync(join(finalDir, 'complete'))) await buildInto(root, key, finalDir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  const saved = JSON.parse(readFileSync(join(finalDir, 'release.json'), 'utf8')) as ProviderRelease;
  const relocated = relocate(saved, (p) => join(finalDir, p));
  const privateKeyArmored = readFileSync(join(finalDir, 'signing-key.asc'), 'utf8');
  if ((await readSigningKey(privateKeyArmored)).keyId !== relocated.keyId)
    throw new Error('test release: the signing key does not match the recorded release');
  return { ...relocated, root: join(finalDir, 'releases'), networkMirrorDir: join(finalDir, 'network-mirror'), privateKeyArmored };
}

async function buildInto(root: string, key: string, finalDir: string): Promise<void> {
  pruneOldBuilds(root);
  const workDir = join(root, `${key}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(workDir, { recursive: true });
  try {
    const generated = await generateSigningKey({ name: 'Tessera release tests' });
    writeFileSync(join(workDir, 'signing-key.asc'), generated.armoredPrivateKey, { mode: 0o600 });
    const release = await buildProviderRelease({
      outDir: join(workDir, 'releases'),
      networkMirrorDir: join(workDir, 'network-mirror'),
      signingKey: generated.key,
      platforms: RELEASE_PLATFORMS,
    });
    writeFileSync(join(workDir, 'release.json'), JSON.stringify(relocate(release, (p) => relative(workDir, p))));
    writeFileSync(join(workDir, 'complete'), '');
    renameSync(workDir, finalDir);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
