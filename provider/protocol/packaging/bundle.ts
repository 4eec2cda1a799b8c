/**
 * Bundles a provider entry point into one CommonJS file with esbuild, plus a small loader and
 * a V8 code cache. One file (protocol descriptor inlined) starts much faster than node_modules
 * resolution, and the cache saves most of the compile time: the CLI starts the provider 2–5
 * times per command.
 */
import { spawn } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../plugin/handshake';
import { BUNDLE_FILE, CACHE_FILE, LOADER_FILE, LOADER_SOURCE, WRITE_CACHE_ENV } from './loader';

export interface BundleOptions {
  /** The TypeScript/JavaScript file that calls `serveProvider`. */
  entry: string;
  /** Receives provider.js (the start file), provider-bundle.js and provider-bundle.cache. */
  outDir: string;
  /** Defaults to true: less to parse at every start. */
  minify?: boolean;
  /** Defaults to true: record a V8 code cache by starting the provider once. */
  codeCache?: boolean;
  /** Packages to leave out of the bundle (they must then be installed beside it). */
  external?: string[];
}

export interface BundleResult {
  /** The file to run with node (the loader). Copy its whole directory to install it. */
  bundlePath: string;
  bundleDir: string;
  bytes: number;
  codeCacheBytes: number;
}

export async function bundleProvider(options: BundleOptions): Promise<BundleResult> {
  // esbuild is a build-time dependency: load it only here, never in the provider itself.
  const esbuild = await import('esbuild');
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const bundleFile = join(outDir, BUNDLE_FILE);
  await esbuild.build({
    entryPoints: [resolve(options.entry)],
    outfile: bundleFile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: options.minify ?? true,
    legalComments: 'none',
    sourcemap: false,
    // The packaging helpers are exported next to serveProvider; keep their build-time
    // dependency out of the provider itself.
    external: ['esbuild', ...(options.external ?? [])],
    logLevel: 'silent',
  });
  const loader = join(outDir, LOADER_FILE);
  await writeFile(loader, LOADER_SOURCE);
  await rm(join(outDir, CACHE_FILE), { force: true });
  let codeCacheBytes = 0;
  if (options.codeCache ?? true) {
    await recordCodeCache(loader);
    codeCacheBytes = (await stat(join(outDir, CACHE_FILE))).size;
  }
  return { bundlePath: loader, bundleDir: outDir, bytes: (await stat(bundleFile)).size, codeCacheBytes };
}

/** Starts the provider (plaintext, as go-plugin would without TLS), waits for its handshake, then lets it write the cache. */
function recordCodeCache(loader: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [loader], {
      env: { PATH: process.env.PATH ?? '', [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '6', [WRITE_CACHE_ENV]: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let handshaken = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.on('data', (chunk: Buffer) => {
      if (!handshaken && chunk.includes(0x0a)) {
        handshaken = true;
        child.kill('SIGTERM');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (handshaken && code === 0) resolvePromise();
      else reject(new Error(`recording the code cache failed (exit ${code}): ${stderr.slice(0, 2000)}`));
    });
  });
}
