// Small pieces every benchmark here uses.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fetchNodeRuntime, injectSeaBlob, makeSeaBlob } from '../provider/protocol/packaging/sea';
import { zipEntries } from '../provider/protocol/packaging/zip';
import { RELEASE_TARGETS, releaseCacheDir } from '../scripts/provider-release';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * utime + stime of a process and its live children (the workers of TESSERA_WORKERS) in
 * microseconds, from /proc (clock ticks of 1/100 s on Linux).
 */
export function cpuMicros(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // no children list in this kernel: the process alone
  }
  const own = (Number(fields[11]) + Number(fields[12])) * 10_000;
  return own + children.reduce((sum, child) => sum + (fs.existsSync(`/proc/${child}/stat`) ? cpuMicros(child) : 0), 0);
}

/** This process's CPU time (user + system) in µs: the load generator's share. */
export function ownCpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/**
 * Runs `task(i)` for every i in [0, count), `concurrency` at a time (each of `concurrency` loops
 * starts the next task as soon as its last one ends); resolves with the wall time in ms.
 */
export async function timedConcurrently(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** "2 CPUs, load average 0.5 0.7 0.9": the context every printed figure needs on a shared machine. */
export function machineLoad(): string {
  return `${os.cpus().length} CPUs, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
}

/** Starts `node --import tsx <args>` and resolves with the URL its log announces once listening. */
export async function spawnServer(
  repoRoot: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: (entry: Record<string, unknown>) => string | null,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const found = ready(JSON.parse(line) as Record<string, unknown>);
        if (found) resolve(found);
      } catch {
        // not JSON
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${String(code)}) before listening`)));
  });
  return { child, url };
}

export function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The Tessera API's listening line, as spawnServer's `ready`. */
export const apiListening = (entry: Record<string, unknown>): string | null =>
  entry.msg === 'Tessera API listening' && typeof entry.url === 'string' ? entry.url : null;

/**
 * The linux_amd64 release executable of a provider bundle, made as `npm run provider:release`
 * makes it (the release target's pinned Node from npm, the same blob), without zipping or
 * signing: what the benchmarks measure as "what a release installs".
 */
export async function releaseExecutable(
  bundleFile: string,
  outFile: string,
): Promise<{ executable: string; node: string; version: string }> {
  const target = RELEASE_TARGETS.find((t) => t.platform === 'linux_amd64');
  if (!target) throw new Error('no linux_amd64 release target');
  const node = await fetchNodeRuntime(target.runtime, releaseCacheDir());
  await injectSeaBlob({ targetNode: node, blob: await makeSeaBlob({ bundleFile, blobNode: node }), outFile });
  return { executable: outFile, node, version: target.runtime.version };
}

/**
 * Bun, the other runtime npm ships as a binary, for the runtime comparison in the provider
 * benches: a provider bundle made into one executable with `bun build --compile --bytecode`
 * (Bun's own single-executable format, with the bundle's bytecode precompiled into it).
 */
export const BUN_RUNTIME = { package: '@oven/bun-linux-x64', version: '1.4.5', executable: 'bin/bun' } as const;

/**
 * The bundle as a Bun single executable (linux x64), and the size of the zip a release would
 * ship it in (zipped as the release zips its executables). Throws with the reason where Bun
 * cannot be fetched or cannot compile.
 */
export async function bunExecutable(
  bundleFile: string,
  outFile: string,
): Promise<{ executable: string; version: string; zipBytes: number }> {
  const bun = await fetchNodeRuntime(BUN_RUNTIME, releaseCacheDir());
  const built = spawnSync(bun, ['build', '--compile', '--bytecode', bundleFile, '--outfile', outFile], { encoding: 'utf8' });
  if (built.status !== 0)
    throw new Error(`bun build --compile failed: ${(built.stderr || built.stdout || '').trim().split('\n').slice(-3).join(' ')}`);
  const zipBytes = (await zipEntries([{ name: path.basename(outFile), data: fs.readFileSync(outFile), mode: 0o755 }])).length;
  return { executable: outFile, version: BUN_RUNTIME.version, zipBytes };
}

/** GNU time (Debian package "time"): the rusage of the process it waits for. */
export const GNU_TIME = '/usr/bin/time';

/** The value after `flag` on the command line (`--runs 30`), if given. */
export function argValue(flag: string): string | undefined {
  const at = process.argv.indexOf(flag);
  return at > 0 ? process.argv[at + 1] : undefined;
}

/**
 * Makes `executable` run under GNU time: it moves to `<executable>.real` and a `sh` script takes
 * its place. exec: the caller's signals reach GNU time, which waits for the program and appends
 * "user system maxrss" to `logFile`.
 */
export function meterWithGnuTime(executable: string, logFile: string): void {
  fs.copyFileSync(executable, `${executable}.real`);
  fs.chmodSync(`${executable}.real`, 0o755);
  fs.writeFileSync(executable, `#!/bin/sh\nexec ${GNU_TIME} -a -o '${logFile}' -f '%U %S %M' "$0.real" "$@"\n`, { mode: 0o755 });
}

export interface Rusage {
  cpuSeconds: number;
  maxRssKiB: number;
  processes: number;
}

/** Sums what GNU time appended to `file` since the last read, and empties it. */
export function readRusage(file: string): Rusage {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
  fs.rmSync(file, { force: true });
  let cpuSeconds = 0;
  let maxRssKiB = 0;
  let processes = 0;
  for (const line of lines) {
    const match = /^([\d.]+) ([\d.]+) (\d+)$/.exec(line.trim());
    if (!match) continue; // GNU time also notes a signal ("Command terminated by signal 9")
    cpuSeconds += Number(match[1]) + Number(match[2]);
    maxRssKiB = Math.max(maxRssKiB, Number(match[3]));
    processes += 1;
  }
  return { cpuSeconds, maxRssKiB, processes };
}

/**
 * Builds the Go yardstick provider (bench/yardstick/go/build.sh installs Go from Debian packages
 * where it is missing) into `outDir`; where it cannot, says why in a line.
 */
export function buildGoYardstick(outDir: string): { ok: true; executable: string } | { ok: false; reason: string } {
  const repo = path.resolve(__dirname, '..');
  const result = spawnSync(
    'bash',
    [path.join(repo, 'bench/yardstick/go/build.sh'), outDir, path.join(repo, 'provider/protocol/proto/tfplugin6.proto')],
    { encoding: 'utf8', cwd: repo },
  );
  // build.sh names it after the provider type and version the benches use.
  const executable = path.join(outDir, 'terraform-provider-goprov_v0.1.0');
  if (result.status === 0 && fs.existsSync(executable)) return { ok: true, executable };
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-3).join(' / ');
  return { ok: false, reason: result.error?.message ?? (output || `build.sh exited with ${result.status}`) };
}

/** A V8 CPU profile's call frame, as `--cpu-prof` writes it. */
export interface ProfileFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

const REPO_ROOT = path.resolve(__dirname, '..');

/** `function file:line`, the file relative to the repository. */
export function profileFunctionLabel(frame: ProfileFrame): string {
  const url = frame.url.replace(/^file:\/\//, '').replace(`${REPO_ROOT}/`, '');
  return `${frame.functionName || '(anonymous)'} ${url}${url ? `:${frame.lineNumber + 1}` : ''}`;
}

/** Where a frame's code comes from: an npm package, a folder of the repository, a Node built-in, or V8 itself. */
export function profilePackageLabel(frame: ProfileFrame): string {
  const name = frame.functionName;
  if (name === '(idle)' || name === '(garbage collector)' || name === '(program)') return name;
  const clean = frame.url.replace(/^file:\/\//, '');
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(clean);
  if (inModules?.[1]) return inModules[1];
  if (clean.startsWith(REPO_ROOT)) return path.dirname(clean.slice(REPO_ROOT.length + 1));
  if (clean.startsWith('node:')) return clean;
  return clean === '' ? '(native)' : clean;
}
