// Small pieces every benchmark here uses.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { createInterface } from 'node:readline';
import { fetchNodeRuntime, injectSeaBlob, makeSeaBlob } from '../provider/protocol/packaging/sea';
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
