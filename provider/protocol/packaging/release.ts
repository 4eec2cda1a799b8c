/**
 * A provider release in the layout Terraform registries serve (the one HashiCorp's release
 * tooling writes):
 *   terraform-provider-<type>_<version>_<os>_<arch>.zip   one self-contained executable each
 *   terraform-provider-<type>_<version>_SHA256SUMS        `<sha256 hex>  <file>` per zip and the manifest
 *   terraform-provider-<type>_<version>_SHA256SUMS.sig    detached binary OpenPGP signature of it
 *   terraform-provider-<type>_<version>_manifest.json     the plugin protocol versions
 *   terraform-provider-<type>_<version>_signing_key.asc   the armored public key (for the registry's signing_keys)
 *
 * Everything but the signature (and the key file) is reproducible: the same bundle and Node
 * binaries give the same bytes. Executables and zips are therefore cached under `cacheDir`
 * by the hash of what goes into them, so a rebuild of unchanged sources only re-signs.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computeH1HashOfFiles } from './h1-hash';
import { loaderSource } from './loader';
import { writeNetworkMirror } from './network-mirror';
import { fetchNodeRuntime, hostNodeRuntime, injectSeaBlob, makeSeaBlob, type MachOSigner, type NodeRuntime } from './sea';
import { signDetached, type SigningKey } from './signing';
import { zipEntries } from './zip';

export interface ReleaseTarget {
  /** `<os>_<arch>` as Terraform names platforms, e.g. linux_amd64. */
  platform: string;
  /** The official Node binary the executable is made from. */
  runtime: NodeRuntime;
}

export interface ReleaseOptions {
  /** The provider type (the `<type>` of terraform-provider-<type>). */
  type: string;
  version: string;
  /** The provider bundle: one CommonJS file that requires only Node built-ins. */
  bundleFile: string;
  /** The release directory for this version (created; files of the same names are replaced). */
  outDir: string;
  targets: readonly ReleaseTarget[];
  /** Node binaries, blobs and built executables are kept here between builds. */
  cacheDir: string;
  signingKey: SigningKey;
  /** Signs Mach-O executables (required when a darwin target is built). */
  signMachO?: MachOSigner;
  /** Defaults to ["6.0"]. */
  protocolVersions?: string[];
  /** Also write the network mirror layout there. */
  networkMirror?: { dir: string; hostname: string; namespace: string };
  /** Refuse zips larger than this many bytes. */
  maxZipBytes?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface ReleaseArchive {
  platform: string;
  /** Absolute path of the zip. */
  file: string;
  /** The executable's name inside the zip. */
  executable: string;
  zipBytes: number;
  executableBytes: number;
  /** SHA-256 of the zip, hex (the SHA256SUMS entry; `zh:` + this in lock files). */
  sha256: string;
  /** The lock-file hash of the unpacked package. */
  h1: string;
}

export interface ReleaseResult {
  dir: string;
  version: string;
  archives: ReleaseArchive[];
  /** Every file written, absolute paths, keyed by role. */
  files: { zips: string[]; shasums: string; signature: string; manifest: string; publicKey: string };
  publicKeyArmored: string;
  keyId: string;
}

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const PLATFORM = /^(linux|darwin|windows|freebsd|openbsd)_(amd64|arm64|386|arm)$/;

export function releaseFileNames(type: string, version: string) {
  const prefix = `terraform-provider-${type}_${version}`;
  return {
    zip: (platform: string) => `${prefix}_${platform}.zip`,
    shasums: `${prefix}_SHA256SUMS`,
    signature: `${prefix}_SHA256SUMS.sig`,
    manifest: `${prefix}_manifest.json`,
    publicKey: `${prefix}_signing_key.asc`,
    executable: (platform: string) => `terraform-provider-${type}_v${version}${platform.startsWith('windows_') ? '.exe' : ''}`,
  };
}

export async function buildRelease(options: ReleaseOptions): Promise<ReleaseResult> {
  const { type, version, outDir, targets, cacheDir } = options;
  const log = options.log ?? (() => undefined);
  if (!SEMVER.test(version)) throw new Error(`the release version must be semver (X.Y.Z), got ${JSON.stringify(version)}`);
  if (!/^[a-z0-9-]+$/.test(type))
    throw new Error(`provider type must be lower-case letters, digits and dashes, got ${JSON.stringify(type)}`);
  if (targets.length === 0) throw new Error('no target platforms');
  for (const t of targets)
    if (!PLATFORM.test(t.platform)) throw new Error(`unknown platform ${JSON.stringify(t.platform)} (expected e.g. linux_amd64)`);
  const names = releaseFileNames(type, version);
  await mkdir(outDir, { recursive: true });
  const bundle = await readFile(options.bundleFile);
  const blobs = new Map<string, Buffer>();
  const archives: ReleaseArchive[] = [];
  for (const target of targets) {
    const started = Date.now();
    const executable = names.executable(target.platform);
    const key = createHash('sha256')
      .update(bundle)
      .update(loaderSource({ bundleFrom: 'sea-asset' }))
      .update(`\0${target.runtime.package}@${target.runtime.version}\0${executable}\0${target.platform}\0${packagerVersion}`)
      .digest('hex')
      .slice(0, 32);
    const cached = join(cacheDir, 'builds', key);
    if (!existsSync(join(cached, 'complete'))) {
      let blob = blobs.get(target.runtime.version);
      if (!blob) {
        const blobNode = await fetchNodeRuntime(hostNodeRuntime(target.runtime.version), cacheDir);
        blob = await makeSeaBlob({ bundleFile: options.bundleFile, blobNode });
        blobs.set(target.runtime.version, blob);
      }
      const targetNode = await fetchNodeRuntime(target.runtime, cacheDir);
      await mkdir(join(cacheDir, 'builds'), { recursive: true });
      const work = await mkdtemp(join(cacheDir, 'builds', '.build-'));
      try {
        await injectSeaBlob({
          targetNode,
          blob,
          outFile: join(work, executable),
          signMachO: options.signMachO,
          machOIdentifier: `terraform-provider-${type}`,
        });
        const data = await readFile(join(work, executable));
        const zip = await zipEntries([{ name: executable, data, mode: 0o755 }]);
        await writeFile(join(work, 'package.zip'), zip);
        await writeFile(join(work, 'h1'), computeH1HashOfFiles([{ name: executable, data }]));
        await writeFile(join(work, 'executable-bytes'), String(data.length));
        await rm(join(work, executable));
        await writeFile(join(work, 'complete'), '');
        await rename(work, cached).catch(async () => {
          if (!existsSync(join(cached, 'complete'))) throw new Error(`could not store the build in ${cached}`);
        });
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    }
    // Marks the build as used; builds unused for a week are pruned below.
    const now = new Date();
    await utimes(cached, now, now);
    const zip = await readFile(join(cached, 'package.zip'));
    if (options.maxZipBytes !== undefined && zip.length > options.maxZipBytes) {
      throw new Error(`${names.zip(target.platform)} is ${zip.length} bytes, over the ${options.maxZipBytes}-byte budget`);
    }
    const file = join(outDir, names.zip(target.platform));
    await writeFile(file, zip);
    archives.push({
      platform: target.platform,
      file,
      executable,
      zipBytes: zip.length,
      executableBytes: Number(await readFile(join(cached, 'executable-bytes'), 'utf8')),
      sha256: createHash('sha256').update(zip).digest('hex'),
      h1: await readFile(join(cached, 'h1'), 'utf8'),
    });
    log(`${names.zip(target.platform)}: ${(zip.length / 1e6).toFixed(1)} MB (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  await pruneUnusedBuilds(join(cacheDir, 'builds'), 7 * 24 * 60 * 60 * 1000);

  const manifest = `${JSON.stringify({ version: 1, metadata: { protocol_versions: options.protocolVersions ?? ['6.0'] } })}\n`;
  const manifestFile = join(outDir, names.manifest);
  await writeFile(manifestFile, manifest);
  const sums = [
    ...archives.map((a) => ({ name: names.zip(a.platform), sha256: a.sha256 })),
    { name: names.manifest, sha256: createHash('sha256').update(manifest).digest('hex') },
  ]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => `${e.sha256}  ${e.name}\n`)
    .join('');
  const shasums = join(outDir, names.shasums);
  await writeFile(shasums, sums);
  const signature = join(outDir, names.signature);
  await writeFile(signature, await signDetached(Buffer.from(sums), options.signingKey));
  const publicKey = join(outDir, names.publicKey);
  await writeFile(publicKey, options.signingKey.publicKeyArmored);

  if (options.networkMirror) {
    await writeNetworkMirror({
      dir: options.networkMirror.dir,
      hostname: options.networkMirror.hostname,
      namespace: options.networkMirror.namespace,
      type,
      version,
      archives: archives.map((a) => ({ platform: a.platform, zipFile: a.file, h1: a.h1, zh: `zh:${a.sha256}` })),
    });
  }
  return {
    dir: outDir,
    version,
    archives,
    files: { zips: archives.map((a) => a.file), shasums, signature, manifest: manifestFile, publicKey },
    publicKeyArmored: options.signingKey.publicKeyArmored,
    keyId: options.signingKey.keyId,
  };
}

async function pruneUnusedBuilds(dir: string, maxAgeMs: number): Promise<void> {
  const cutoff = Date.now() - maxAgeMs;
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    const info = await stat(join(dir, entry)).catch(() => undefined);
    if (info && info.mtimeMs < cutoff) await rm(join(dir, entry), { recursive: true, force: true });
  }
}

/** Bumped when the packaging changes what it writes in a way the inputs do not show. */
const packagerVersion = 'sea-2';
