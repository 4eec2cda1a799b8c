/**
 * The static layout of Terraform's provider network mirror protocol, as `terraform providers
 * mirror` writes it, for hosting a provider's release on any HTTPS file server:
 *   <dir>/<hostname>/<namespace>/<type>/index.json      {"versions":{"X.Y.Z":{}}}
 *   <dir>/<hostname>/<namespace>/<type>/X.Y.Z.json      {"archives":{"os_arch":{"url","hashes"}}}
 *   <dir>/<hostname>/<namespace>/<type>/<zip>           (urls are relative to the JSON file)
 * Each archive lists its `h1:` hash (what `terraform init` records after installing) and its
 * `zh:` hash (the zip's SHA-256, what the registry's SHA256SUMS carries). Versions already in
 * index.json are kept, so one directory can serve every release.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

export interface MirrorArchive {
  platform: string;
  zipFile: string;
  h1: string;
  zh: string;
}

export interface NetworkMirrorOptions {
  dir: string;
  /** The registry host that the provider's source address names (e.g. registry.terraform.io). */
  hostname: string;
  namespace: string;
  type: string;
  version: string;
  archives: readonly MirrorArchive[];
}

export async function writeNetworkMirror(options: NetworkMirrorOptions): Promise<{ providerDir: string; versionFile: string }> {
  const providerDir = join(options.dir, options.hostname, options.namespace, options.type);
  await mkdir(providerDir, { recursive: true });
  const archives: Record<string, { url: string; hashes: string[] }> = {};
  for (const archive of [...options.archives].sort((a, b) => a.platform.localeCompare(b.platform))) {
    await copyFile(archive.zipFile, join(providerDir, basename(archive.zipFile)));
    archives[archive.platform] = { url: basename(archive.zipFile), hashes: [archive.h1, archive.zh] };
  }
  const versionFile = join(providerDir, `${options.version}.json`);
  await writeFile(versionFile, `${JSON.stringify({ archives }, null, 2)}\n`);
  const indexFile = join(providerDir, 'index.json');
  let versions: Record<string, object> = {};
  try {
    const existing = JSON.parse(await readFile(indexFile, 'utf8')) as { versions?: Record<string, object> };
    versions = existing.versions ?? {};
  } catch {
    // a new mirror
  }
  versions[options.version] = {};
  const sorted = Object.fromEntries(
    Object.keys(versions)
      .sort()
      .map((v) => [v, {}]),
  );
  await writeFile(indexFile, `${JSON.stringify({ versions: sorted }, null, 2)}\n`);
  return { providerDir, versionFile };
}
