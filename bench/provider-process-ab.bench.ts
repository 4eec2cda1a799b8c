/**
 * One provider process's life, this checkout against another (`--baseline DIR`, e.g. a worktree
 * of main before a change), interleaved start by start so machine load hits both alike. Each
 * start is what a CLI does: the go-plugin environment with a client certificate (so AutoMTLS),
 * the handshake line, a TLS connection, GetProviderSchema, a few ValidateResourceConfig calls,
 * Shutdown, and the wait for the process to be gone. Measured per start:
 *   - exec → handshake line;
 *   - the first call's round trip (TLS and HTTP/2 set-up, the code loaded after the handshake);
 *   - a later call's round trip (median of the later calls);
 *   - Shutdown sent → the process has exited;
 *   - the process's CPU (user + system, from GNU time around it) and peak RSS.
 * The client is grpc-js in this process, the same for both sides. TF_PROVIDER_NODE, when set,
 * names the node binary the providers run on.
 * Usage: tsx bench/provider-process-ab.bench.ts --baseline DIR [--runs N]
 */
import * as grpc from '@grpc/grpc-js';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleProvider, createServerCertificate, currentPlatform, encodeValue, writeMirrorPackage } from '../provider/protocol';
import { CODE_CACHE_DIR_ENV } from '../provider/protocol/packaging/loader';
import { connect, goPluginEnv, type Handshake } from '../test/protocol/support/plugin-process';
import { argValue, GNU_TIME, median, readRusage } from './support';

const REPO = resolve(__dirname, '..');
const RUNS = Number(argValue('--runs') ?? 30);
const BASELINE = argValue('--baseline');
const LATER_CALLS = 5;

type Measure = 'handshake' | 'firstCall' | 'laterCall' | 'shutdownToExit' | 'cpu' | 'rss';
const MEASURES: Array<[Measure, string, number]> = [
  ['handshake', 'exec → handshake line (ms)', 1],
  ['firstCall', 'first call round trip (ms)', 2],
  ['laterCall', 'later call round trip (ms)', 2],
  ['shutdownToExit', 'Shutdown sent → process gone (ms)', 1],
  ['cpu', 'process CPU, user + system (ms)', 0],
  ['rss', 'peak RSS (MiB)', 1],
];

const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;

async function oneStart(
  executable: string,
  env: Record<string, string>,
  clientCert: { certificatePem: string; privateKeyPem: string },
  timeFile: string,
): Promise<Record<Measure, number>> {
  const started = process.hrtime.bigint();
  const child = spawn(GNU_TIME, ['-o', timeFile, '-f', '%U %S %M', executable], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const line = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) done(out.slice(0, out.indexOf('\n')));
    });
    child.on('exit', (code) => fail(new Error(`provider exited (${code}) before its handshake`)));
  });
  const handshakeMs = ms(started);
  const [core = '', app = '', network = '', address = '', protocol = '', cert = ''] = line.split('|');
  const handshake: Handshake = { core, app, network, address, protocol, cert };
  const serverPem = new X509Certificate(Buffer.from(cert, 'base64')).toString();
  const client = connect(
    handshake,
    grpc.credentials.createSsl(Buffer.from(serverPem), Buffer.from(clientCert.privateKeyPem), Buffer.from(clientCert.certificatePem)),
  );
  try {
    let at = process.hrtime.bigint();
    await client.provider('GetProviderSchema', {});
    const firstCall = ms(at);
    const later: number[] = [];
    const config = encodeValue({ id: null, name: 'thing' }, ['object', { id: 'string', name: 'string' }]);
    for (let i = 0; i < LATER_CALLS; i += 1) {
      at = process.hrtime.bigint();
      await client.provider('ValidateResourceConfig', { type_name: 'peer_thing', config });
      later.push(ms(at));
    }
    at = process.hrtime.bigint();
    await client.controller('Shutdown', {});
    await exited;
    const shutdownToExit = ms(at);
    const usage = readRusage(timeFile);
    return {
      handshake: handshakeMs,
      firstCall,
      laterCall: median(later),
      shutdownToExit,
      cpu: usage.cpuSeconds * 1000,
      rss: usage.maxRssKiB / 1024,
    };
  } finally {
    client.close();
  }
}

async function main(): Promise<void> {
  if (!BASELINE) throw new Error('--baseline DIR (another checkout of this repository) is required');
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} (Debian package "time") is needed for CPU and RSS`);
  const work = mkdtempSync(join(tmpdir(), 'tessera-process-ab-'));
  try {
    const sides: Array<{ name: string; executable: string; samples: Record<Measure, number[]> }> = [];
    for (const [index, [name, tree]] of (
      [
        ['this checkout', REPO],
        ['baseline', resolve(BASELINE)],
      ] as const
    ).entries()) {
      const bundle = await bundleProvider({ entry: join(tree, 'bench/yardstick/peer-main.ts'), outDir: join(work, `bundle-${index}`) });
      const mirror = join(work, `mirror-${index}`);
      await writeMirrorPackage({
        mirrorDir: mirror,
        hostnames: ['registry.terraform.io'],
        namespace: 'peers',
        type: 'peer',
        version: '0.1.0',
        bundlePath: bundle.bundlePath,
      });
      sides.push({
        name,
        executable: join(mirror, 'registry.terraform.io/peers/peer/0.1.0', currentPlatform(), 'terraform-provider-peer_v0.1.0'),
        samples: { handshake: [], firstCall: [], laterCall: [], shutdownToExit: [], cpu: [], rss: [] },
      });
    }
    const clientCert = createServerCertificate();
    const env = goPluginEnv({
      PLUGIN_CLIENT_CERT: clientCert.certificatePem,
      TMPDIR: tmpdir(),
      [CODE_CACHE_DIR_ENV]: join(work, 'code-cache'),
      ...(process.env.TF_PROVIDER_NODE ? { TF_PROVIDER_NODE: process.env.TF_PROVIDER_NODE } : {}),
    });
    const timeFile = join(work, 'time');
    // Warm-up: each side's code cache, the page cache.
    for (const side of sides) await oneStart(side.executable, env, clientCert, timeFile);
    const load = [loadavg()[0] ?? 0];
    for (let run = 1; run <= RUNS; run += 1) {
      for (const side of run % 2 ? sides : [...sides].reverse()) {
        const result = await oneStart(side.executable, env, clientCert, timeFile);
        for (const [key] of MEASURES) side.samples[key].push(result[key]);
      }
      load.push(loadavg()[0] ?? 0);
    }
    const out = [
      '',
      `One provider process (go-plugin launch with AutoMTLS, GetProviderSchema, ${LATER_CALLS} ValidateResourceConfig, Shutdown), ` +
        `${RUNS} interleaved starts per side; median (min–max).`,
      `provider node: ${process.env.TF_PROVIDER_NODE ?? 'node on PATH'}; load average (1 min) ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}.`,
      '',
      `| measure | ${sides.map((s) => s.name).join(' | ')} | ratio |`,
      `|---|${sides.map(() => '---').join('|')}|---|`,
    ];
    for (const [key, label, digits] of MEASURES) {
      const cells = sides.map((s) => {
        const v = s.samples[key];
        return `${median(v).toFixed(digits)} (${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)})`;
      });
      const ratio = median(sides[0]!.samples[key]) / median(sides[1]!.samples[key]);
      out.push(`| ${label} | ${cells.join(' | ')} | ${ratio.toFixed(2)}× |`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((failure: unknown) => {
  process.stderr.write(`process A/B bench failed: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}\n`);
  process.exit(1);
});
