// The provider releases on disk, read as Terraform's Provider Registry Protocol needs them.
// Layout (what `npm run provider:release` writes), one directory per version:
//   <root>/<X.Y.Z>/terraform-provider-tessera_X.Y.Z_<os>_<arch>.zip
//                  terraform-provider-tessera_X.Y.Z_SHA256SUMS (+ .sig, a detached binary signature)
//                  terraform-provider-tessera_X.Y.Z_manifest.json
//                  an ASCII-armored OpenPGP public key (any file starting with the armor header)
// The directory is read on every request, so a release copied in while the API runs is served
// at once and nothing is cached that could go stale; the one cache is the parsed key ID of an
// armored key, keyed by its text.
import { createHash } from 'node:crypto';
import { open, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const PROVIDER_NAMESPACE = 'tessera';
export const PROVIDER_TYPE = 'tessera';
const PREFIX = `terraform-provider-${PROVIDER_TYPE}`;

// Versions are directory names; only plain semantic versions are served, which also keeps
// anything path-like (.., slashes, dot files) out of every file name built from them.
const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const PLATFORM_PART = /^[a-z0-9]+$/;
const ARMOR_HEADER = '-----BEGIN PGP PUBLIC KEY BLOCK-----';
/** The tessera provider speaks plugin protocol 6 only; a release without a manifest is one of ours. */
const DEFAULT_PROTOCOLS = ['6.0'];

export interface Platform {
  os: string;
  arch: string;
}

export interface ReleaseVersion {
  version: string;
  protocols: string[];
  platforms: Platform[];
}

export interface SigningKey {
  /** Upper-case hex key ID of the primary key, as registries publish it. */
  key_id: string;
  ascii_armor: string;
}

export interface ProviderPackage {
  protocols: string[];
  os: string;
  arch: string;
  filename: string;
  shasumsFilename: string;
  signatureFilename: string;
  /** Lower-case hex SHA-256 of the zip, as listed in the SHA256SUMS file. */
  shasum: string;
  signingKeys: SigningKey[];
}

export interface ReleaseFile {
  path: string;
  contentType: string;
}

/** Why a directory under the releases root is not served (for the operator's start-up log). */
export interface SkippedRelease {
  version: string;
  reason: string;
}

interface ReleaseDir {
  version: string;
  dir: string;
  names: string[];
  shasums: Map<string, string>;
  protocols: string[];
  platforms: Platform[];
  signingKeys: SigningKey[];
  /** The release's own files (zips listed in SHA256SUMS, SHA256SUMS, .sig, manifest, keys). */
  files: Set<string>;
}

const keyIdCache = new Map<string, string>();

export function shasumsName(version: string): string {
  return `${PREFIX}_${version}_SHA256SUMS`;
}

export function zipName(version: string, platform: Platform): string {
  return `${PREFIX}_${version}_${platform.os}_${platform.arch}.zip`;
}

/** "sha256  name" lines (GNU coreutils; a '*' before the name marks binary mode). */
export function parseShasums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([0-9a-fA-F]{64}) [ *]?(.+?)\r?$/.exec(line);
    if (match?.[1] && match[2]) sums.set(match[2], match[1].toLowerCase());
  }
  return sums;
}

function compareVersions(a: string, b: string): number {
  const parse = (v: string) => v.split(/[-+]/)[0]!.split('.').map(Number);
  const [pa, pb] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i += 1) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  // A pre-release sorts before its release.
  if (a.includes('-') !== b.includes('-')) return a.includes('-') ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

async function startsWithArmorHeader(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(ARMOR_HEADER.length + 8);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').trimStart().startsWith(ARMOR_HEADER);
  } finally {
    await handle.close();
  }
}

function contentTypeOf(name: string): string {
  if (name.endsWith('.zip')) return 'application/zip';
  if (name.endsWith('.sig')) return 'application/pgp-signature';
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('_SHA256SUMS')) return 'text/plain; charset=utf-8';
  return 'application/pgp-keys';
}

export class ProviderReleases {
  readonly root: string;

  /** `root` may be relative (the default is): it is resolved against the working directory now. */
  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Every version directory that can be served, newest first. */
  async versions(): Promise<ReleaseVersion[]> {
    const { releases } = await this.scan();
    return releases.map(({ version, protocols, platforms }) => ({ version, protocols, platforms }));
  }

  /** What is wrong with version directories that are not served; empty when all are fine. */
  async skipped(): Promise<SkippedRelease[]> {
    return (await this.scan()).skipped;
  }

  /** The package of one version for one platform, or null when there is none. */
  async findPackage(version: string, os: string, arch: string): Promise<ProviderPackage | null> {
    if (!PLATFORM_PART.test(os) || !PLATFORM_PART.test(arch)) return null;
    const release = await this.readRelease(version);
    if (release === null) return null;
    const filename = zipName(version, { os, arch });
    const shasum = release.shasums.get(filename);
    if (shasum === undefined || !release.names.includes(filename)) return null;
    return {
      protocols: release.protocols,
      os,
      arch,
      filename,
      shasumsFilename: shasumsName(version),
      signatureFilename: `${shasumsName(version)}.sig`,
      shasum,
      signingKeys: release.signingKeys,
    };
  }

  /**
   * A file of a served version, by its exact name. Only the release's own files, as readdir
   * lists them, are answered (never a path built from what the client sent), so no request can
   * reach anything else in or outside the directory.
   */
  async findFile(version: string, name: string): Promise<ReleaseFile | null> {
    const release = await this.readRelease(version);
    if (release === null || !release.files.has(name)) return null;
    return { path: join(release.dir, name), contentType: contentTypeOf(name) };
  }

  private async scan(): Promise<{ releases: ReleaseDir[]; skipped: SkippedRelease[] }> {
    let entries: string[];
    try {
      entries = (await readdir(this.root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { releases: [], skipped: [] };
      throw error;
    }
    const releases: ReleaseDir[] = [];
    const skipped: SkippedRelease[] = [];
    for (const version of entries.filter((v) => VERSION.test(v))) {
      const result = await this.inspect(version);
      if ('reason' in result) skipped.push(result);
      else releases.push(result);
    }
    releases.sort((a, b) => compareVersions(b.version, a.version));
    return { releases, skipped };
  }

  private async readRelease(version: string): Promise<ReleaseDir | null> {
    if (!VERSION.test(version)) return null;
    const result = await this.inspect(version);
    return 'reason' in result ? null : result;
  }

  private async inspect(version: string): Promise<ReleaseDir | SkippedRelease> {
    const dir = join(this.root, version);
    let names: string[];
    try {
      names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { version, reason: 'no such release directory' };
      throw error;
    }
    const sumsFile = shasumsName(version);
    if (!names.includes(sumsFile)) return { version, reason: `${sumsFile} is missing` };
    if (!names.includes(`${sumsFile}.sig`)) return { version, reason: `${sumsFile}.sig is missing` };
    const signingKeys: SigningKey[] = [];
    const keyFiles: string[] = [];
    const candidates = names.filter((n) => !n.startsWith('.') && !/(?:\.zip|\.sig|\.json|_SHA256SUMS)$/.test(n)).sort();
    for (const name of candidates) {
      if (!(await startsWithArmorHeader(join(dir, name)))) continue;
      try {
        signingKeys.push(await readSigningKey(join(dir, name)));
        keyFiles.push(name);
      } catch {
        return { version, reason: `${name} is not a readable OpenPGP public key` };
      }
    }
    if (signingKeys.length === 0) return { version, reason: 'no ASCII-armored OpenPGP public key file' };
    const shasums = parseShasums(await readFile(join(dir, sumsFile), 'utf8'));
    const platforms: Platform[] = [];
    const files = new Set([sumsFile, `${sumsFile}.sig`, ...keyFiles]);
    const zip = new RegExp(`^${PREFIX}_${version.replace(/\./g, '\\.')}_([a-z0-9]+)_([a-z0-9]+)\\.zip$`);
    for (const name of [...names].sort()) {
      const match = zip.exec(name);
      if (match?.[1] && match[2] && shasums.has(name)) {
        platforms.push({ os: match[1], arch: match[2] });
        files.add(name);
      }
    }
    if (platforms.length === 0) return { version, reason: `no zip listed in ${sumsFile}` };
    let protocols = DEFAULT_PROTOCOLS;
    const manifestFile = `${PREFIX}_${version}_manifest.json`;
    if (names.includes(manifestFile)) {
      files.add(manifestFile);
      try {
        const manifest = JSON.parse(await readFile(join(dir, manifestFile), 'utf8')) as { metadata?: { protocol_versions?: unknown } };
        const listed = manifest.metadata?.protocol_versions;
        if (Array.isArray(listed) && listed.length > 0 && listed.every((p) => typeof p === 'string')) protocols = listed as string[];
      } catch {
        return { version, reason: `${manifestFile} is not valid JSON` };
      }
    }
    return { version, dir, names, shasums, protocols, platforms, signingKeys, files };
  }
}

async function readSigningKey(path: string): Promise<SigningKey> {
  const armored = await readFile(path, 'utf8');
  const digest = createHash('sha256').update(armored).digest('hex');
  let keyId = keyIdCache.get(digest);
  if (keyId === undefined) {
    // openpgp ships as an ES module; this CommonJS file loads it on first use.
    const { readKey } = await import('openpgp');
    const key = await readKey({ armoredKey: armored });
    keyId = key.getKeyID().toHex().toUpperCase();
    keyIdCache.set(digest, keyId);
  }
  return { key_id: keyId, ascii_armor: armored };
}
