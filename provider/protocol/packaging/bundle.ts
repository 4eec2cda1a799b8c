/**
 * Bundles a provider entry point into one CommonJS file with esbuild, plus a small loader that
 * runs it through a V8 code cache. One file (protocol descriptor inlined) starts much faster
 * than node_modules resolution, and the cache saves most of the compile time: the CLI starts
 * the provider 2–5 times per command. The output is reproducible: the same sources and esbuild
 * version give the same bytes (the cache is written at run time, see loader.ts).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BUNDLE_FILE, LOADER_FILE, loaderSource } from './loader';

export interface BundleOptions {
  /** The TypeScript/JavaScript file that calls `serveProvider`. */
  entry: string;
  /** Receives provider.js (the start file) and provider-bundle.js. */
  outDir: string;
  /** Defaults to true: less to parse at every start. */
  minify?: boolean;
  /** Defaults to true: the start file keeps a V8 code cache in the user's cache directory. */
  codeCache?: boolean;
  /** Packages to leave out of the bundle (they must then be installed beside it). */
  external?: string[];
}

export interface BundleResult {
  /** The file to run with node (the loader). Copy its whole directory to install it. */
  bundlePath: string;
  bundleDir: string;
  /** The bundle itself, for packagers that embed it (single executables). */
  bundleFile: string;
  bytes: number;
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
  // Earlier versions recorded the cache beside the bundle; a stale one would end up in packages.
  await rm(join(outDir, 'provider-bundle.cache'), { force: true });
  const bundleSha256 = createHash('sha256')
    .update(await readFile(bundleFile))
    .digest('hex');
  await writeFile(loader, loaderSource({ bundleFrom: 'file', codeCache: options.codeCache ?? true, bundleSha256 }));
  return { bundlePath: loader, bundleDir: outDir, bundleFile, bytes: (await stat(bundleFile)).size };
}
