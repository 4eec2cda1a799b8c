// Building and installing the tessera provider package. Used by `npm run provider:build`,
// `npm run provider:install` and the end-to-end tests (which install into temp mirrors).
//
// Version rule: a lock file pins the `h1:` hash of each provider version, so a package whose
// contents differ must never be installed under a version that is already installed. The
// installer compares hashes and refuses such an overwrite, telling the user to bump
// PROVIDER_VERSION (provider/tessera/version.ts). Builds are deterministic (the V8 code cache
// is kept in the user's cache directory, not in the package), so reinstalling an unchanged
// build is a no-op. The launcher finds node when it runs: TESSERA_NODE, else `node` on the PATH.
import { cp, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleProvider, computeH1Hash, currentPlatform, writeMirrorPackage } from '../provider/protocol';
import { PROVIDER_NAMESPACE, PROVIDER_TYPE, PROVIDER_VERSION } from '../provider/tessera/version';

export const REPO_ROOT = resolve(__dirname, '..');
export const DIST_DIR = join(REPO_ROOT, 'dist', 'provider');
export const HOSTNAMES = ['registry.terraform.io', 'registry.opentofu.org'] as const;
/** Names the node binary the installed launcher runs (default: the first `node` on the PATH). */
export const NODE_ENV = 'TESSERA_NODE';
export const ADDRESSES = HOSTNAMES.map((host) => `${host}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`);

export interface BuiltProvider {
  bundlePath: string;
  bytes: number;
  version: string;
}

/** Bundles provider/tessera/main.ts into one file, `<outDir>/provider.js`. */
export async function buildProvider(outDir: string = DIST_DIR): Promise<BuiltProvider> {
  const result = await bundleProvider({ entry: join(REPO_ROOT, 'provider/tessera/main.ts'), outDir });
  return { bundlePath: result.bundlePath, bytes: result.bytes, version: PROVIDER_VERSION };
}

export interface InstallResult {
  mirrorDir: string;
  version: string;
  platform: string;
  hash: string;
  /** Package directories written (or found identical). */
  packageDirs: string[];
  unchanged: boolean;
}

export class VersionReuseError extends Error {
  override readonly name = 'VersionReuseError';
}

/**
 * Writes the package for both registry hosts into `mirrorDir`. Refuses to replace an installed
 * package of the same version whose contents differ, unless `force` (which breaks lock files
 * that recorded the old hash).
 */
export async function installProvider(options: {
  bundlePath: string;
  mirrorDir: string;
  force?: boolean;
  version?: string;
}): Promise<InstallResult> {
  const version = options.version ?? PROVIDER_VERSION;
  const platform = currentPlatform();
  const staging = await mkdtemp(join(tmpdir(), 'tessera-provider-'));
  try {
    const staged = await writeMirrorPackage({
      mirrorDir: staging,
      hostnames: [...HOSTNAMES],
      namespace: PROVIDER_NAMESPACE,
      type: PROVIDER_TYPE,
      version,
      bundlePath: options.bundlePath,
      // Nothing absolute goes into the package: the launcher finds node when it runs.
      nodeEnv: NODE_ENV,
    });
    const hash = staged.hashes[platform];
    if (!hash) throw new Error(`no package was built for ${platform}`);
    const packageDirs: string[] = [];
    let unchanged = true;
    for (const host of HOSTNAMES) {
      const relative = join(host, PROVIDER_NAMESPACE, PROVIDER_TYPE, version, platform);
      const target = join(options.mirrorDir, relative);
      packageDirs.push(target);
      if (await exists(target)) {
        const installed = await computeH1Hash(target);
        if (installed === hash) continue;
        if (!options.force) {
          throw new VersionReuseError(
            `terraform-provider-tessera ${version} is already installed at ${target} with different contents ` +
              `(installed ${installed}, new ${hash}). Lock files that recorded the installed package would stop working, ` +
              `so a changed provider needs a new version: bump PROVIDER_VERSION in provider/tessera/version.ts ` +
              `(e.g. to ${nextPatch(version)}), then run npm run provider:install again and terraform init -upgrade in your configurations. ` +
              `(--force overwrites anyway; then delete the tessera entry from each .terraform.lock.hcl and re-run terraform init.)`,
          );
        }
      }
      unchanged = false;
      await rm(target, { recursive: true, force: true });
      await mkdir(join(target, '..'), { recursive: true });
      await cp(join(staging, relative), target, { recursive: true });
    }
    return { mirrorDir: options.mirrorDir, version, platform, hash, packageDirs, unchanged };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The implied local mirror both CLIs search when no provider_installation block exists. */
export function impliedMirrorDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.HOME || homedir(), '.terraform.d', 'plugins');
}

/** The CLI configuration block that installs tessera from `mirrorDir` and everything else from registries. */
export function providerInstallationBlock(mirrorDir: string): string {
  const include = ADDRESSES.map((a) => `"${a}"`).join(', ');
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(resolve(mirrorDir))}`,
    `    include = [${include}]`,
    '  }',
    '  direct {',
    `    exclude = [${include}]`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export function nextPatch(version: string): string {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return version;
  return `${match[1]}.${match[2]}.${Number(match[3]) + 1}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
