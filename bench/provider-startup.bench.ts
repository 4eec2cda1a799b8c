/**
 * Provider start-up: exec → handshake line, the cost the CLI pays 2–5 times per command.
 * Runs the tessera provider as the release's self-contained executable (Node SEA, linux_amd64)
 * and through the bundled-JS launcher, and the protocol layer's test provider through its
 * mirror launchers, with the environment go-plugin sets (cookie, versions, client certificate →
 * TLS on), against `node -e` printing one line, interleaved in the same run so machine load
 * affects all variants alike. "warm cache" means the V8 code cache that the start file keeps in
 * the user cache directory exists (written by an earlier start); "no cache" is also what the
 * very first start on a machine costs. Then prints each release zip's size.
 * Usage: npm run bench:provider [-- --runs 30]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServerCertificate, currentPlatform } from '../provider/protocol';
import { CODE_CACHE_DIR_ENV } from '../provider/protocol/packaging/loader';
import { fetchNodeRuntime, injectSeaBlob, makeSeaBlob } from '../provider/protocol/packaging/sea';
import { generateSigningKey } from '../provider/protocol/packaging/signing';
import { buildProvider } from '../scripts/provider-packaging';
import { buildProviderRelease, RELEASE_TARGETS, releaseCacheDir } from '../scripts/provider-release';
import { connect, startPlugin } from '../test/protocol/support/plugin-process';
import * as yauzl from 'yauzl';
import { PROVIDER_NAMESPACE, PROVIDER_TYPE } from '../provider/tessera/version';
import { providerMirror } from '../test/provider/provider-mirror';
import { goPluginEnv } from '../test/protocol/support/plugin-process';
import { testProviderMirror } from '../test/protocol/support/test-provider-mirror';

interface Variant {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  samples: number[];
}

function timeToFirstLine(v: Variant): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(v.command, v.args, { env: v.env, stdio: ['ignore', 'pipe', 'ignore'] });
    let seen = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (seen || !chunk.includes(0x0a)) return;
      seen = true;
      resolve(Number(process.hrtime.bigint() - started) / 1e6);
      child.kill('SIGKILL');
      // A killed provider cannot remove its unix socket; do it for it.
      const [, , network, address] = chunk.toString('utf8').split('\n')[0]?.split('|') ?? [];
      if (network === 'unix' && address) child.on('exit', () => rmSync(address, { force: true }));
    });
    child.on('exit', (code) => {
      if (!seen) reject(new Error(`${v.name} exited with ${code} before printing a line`));
    });
  });
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i] ?? NaN;
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 25;
  const clientCert = createServerCertificate().certificatePem;
  const env = goPluginEnv({ PLUGIN_CLIENT_CERT: clientCert, TMPDIR: process.env.TMPDIR ?? '/tmp' });
  const shExec = await testProviderMirror({ launcher: 'sh-exec' });
  const shebang = await testProviderMirror({ launcher: 'node-shebang' });
  const noCache = await testProviderMirror({ launcher: 'sh-exec', codeCache: false });
  const tessera = await providerMirror();
  const tesseraExecutable = join(
    tessera.mirrorDir,
    'registry.terraform.io',
    PROVIDER_NAMESPACE,
    PROVIDER_TYPE,
    tessera.version,
    currentPlatform(),
    `terraform-provider-${PROVIDER_TYPE}_v${tessera.version}`,
  );
  const work = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const release = await buildProviderRelease({
    outDir: join(work, 'release'),
    signingKey: (await generateSigningKey({ name: 'bench' })).key,
  });
  const sea = join(work, 'terraform-provider-tessera-sea');
  const linux = release.archives.find((a) => a.platform === 'linux_amd64');
  if (!linux) throw new Error('no linux_amd64 archive');
  writeFileSync(sea, await unzipOne(linux.file), { mode: 0o755 });
  // The alternative not taken: Node's own build-time code cache in the blob (not reproducible).
  const seaBuildCache = join(work, 'terraform-provider-tessera-sea-buildcache');
  const bundle = await buildProvider(join(work, 'bundle'));
  const linuxRuntime = RELEASE_TARGETS.find((t) => t.platform === 'linux_amd64')?.runtime;
  if (!linuxRuntime) throw new Error('no linux_amd64 target');
  const linuxNode = await fetchNodeRuntime(linuxRuntime, releaseCacheDir());
  const buildCacheBlob = await makeSeaBlob({
    bundleFile: join(bundle.bundlePath, '..', 'provider-bundle.js'),
    blobNode: linuxNode,
    buildTimeCodeCache: true,
  });
  await injectSeaBlob({ targetNode: linuxNode, blob: buildCacheBlob, outFile: seaBuildCache });
  const warm = join(work, 'cache-warm');
  const withCache = { ...env, [CODE_CACHE_DIR_ENV]: warm };
  const cacheOff = { ...env, [CODE_CACHE_DIR_ENV]: 'off' };
  // Write the run-time caches the way a session does: start, serve a call, Shutdown.
  for (const executable of [sea, tesseraExecutable, shExec.executablePath, shebang.executablePath]) await primeCodeCache(executable, warm);

  const variants: Variant[] = [
    { name: 'node -e (baseline)', command: process.execPath, args: ['-e', 'process.stdout.write("1|6|x\\n")'], env, samples: [] },
    {
      name: `release's node -e (v${linuxRuntime.version})`,
      command: linuxNode,
      args: ['-e', 'process.stdout.write("1|6|x\\n")'],
      env,
      samples: [],
    },
    { name: 'tessera SEA, warm run-time cache', command: sea, args: [], env: withCache, samples: [] },
    { name: 'tessera SEA, no cache (first start)', command: sea, args: [], env: cacheOff, samples: [] },
    { name: 'tessera SEA, build-time cache (not repro)', command: seaBuildCache, args: [], env: cacheOff, samples: [] },
    { name: 'tessera: sh launcher, warm cache', command: tesseraExecutable, args: [], env: withCache, samples: [] },
    { name: 'tessera: sh launcher, no cache', command: tesseraExecutable, args: [], env: cacheOff, samples: [] },
    { name: 'test provider: sh wrapper, exec node', command: shExec.executablePath, args: [], env: withCache, samples: [] },
    { name: 'test provider: #!/usr/bin/env node', command: shebang.executablePath, args: [], env: withCache, samples: [] },
    { name: 'test provider: sh, no code cache', command: noCache.executablePath, args: [], env, samples: [] },
  ];
  for (const v of variants) for (let i = 0; i < 2; i++) await timeToFirstLine(v); // warm the disk cache
  for (let i = 0; i < runs; i++) for (const v of variants) v.samples.push(await timeToFirstLine(v));

  const baseline = quantile(
    [...(variants[0]?.samples ?? [])].sort((a, b) => a - b),
    0.5,
  );
  console.log(`exec → first stdout line, ${runs} runs each, interleaved (ms); ratio = median / baseline median`);
  console.log(['variant'.padEnd(42), '   min', 'median', '   max', '   p10', '   p90', ' ratio'].join(' '));
  for (const v of variants) {
    const s = [...v.samples].sort((a, b) => a - b);
    const median = quantile(s, 0.5);
    console.log(
      [
        v.name.padEnd(42),
        ...[s[0] ?? NaN, median, s[s.length - 1] ?? NaN, quantile(s, 0.1), quantile(s, 0.9)].map((n) => n.toFixed(0).padStart(6)),
        `${(median / baseline).toFixed(2)}×`.padStart(6),
      ].join(' '),
    );
  }
  console.log(`\nrelease ${release.version} zips (budget 45 MB each):`);
  for (const a of release.archives) {
    console.log(
      `  ${a.platform.padEnd(14)} zip ${(a.zipBytes / 1e6).toFixed(1).padStart(5)} MB   executable ${(a.executableBytes / 1e6).toFixed(1).padStart(6)} MB`,
    );
  }
  rmSync(work, { recursive: true, force: true });
}

async function primeCodeCache(executable: string, cacheDir: string): Promise<void> {
  const plugin = await startPlugin(executable, goPluginEnv({ [CODE_CACHE_DIR_ENV]: cacheDir, TMPDIR: process.env.TMPDIR ?? '/tmp' }));
  const client = connect(plugin.handshake);
  await client.provider('GetProviderSchema', {});
  await client.controller('Shutdown', {}).catch(() => undefined);
  client.close();
  await plugin.exited;
}

function unzipOne(file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(readFileSync(file), { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      zip.once('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => resolve(Buffer.concat(chunks)));
        }),
      );
      zip.readEntry();
    });
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
