// Operating-system facts the embedded PostgreSQL launcher depends on: which account runs the
// server (PostgreSQL refuses to run as root), whether that account can reach a path, and whether
// a process recorded in a pid file is still alive.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The account the server processes run as; `null` ids mean "the current user". */
export interface ServerAccount {
  readonly name: string;
  readonly uid: number | null;
  readonly gid: number | null;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function lookupIds(name: string): { uid: number; gid: number } | null {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number.parseInt(uid.stdout.trim(), 10), gid: Number.parseInt(gid.stdout.trim(), 10) };
}

/**
 * As root, the server must run as an unprivileged account: `postgres` (Debian's package creates
 * it; otherwise we create a system account without a home or shell). As anyone else, the server
 * runs as the current user.
 */
export function resolveServerAccount(log: (msg: string) => void): ServerAccount {
  if (!isRoot()) return { name: 'current user', uid: null, gid: null };
  let ids = lookupIds('postgres');
  if (ids === null) {
    log('creating the system account "postgres" to run PostgreSQL (it refuses to run as root)');
    const made = spawnSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', 'postgres'],
      { encoding: 'utf8' },
    );
    ids = lookupIds('postgres');
    if (ids === null) {
      throw new Error(`could not create the "postgres" account to run PostgreSQL as: ${made.stderr.trim() || 'useradd failed'}`);
    }
  }
  return { name: 'postgres', uid: ids.uid, gid: ids.gid };
}

function grants(stat: fs.Stats, account: ServerAccount, bit: 'x' | 'w'): boolean {
  const [owner, group, other] = bit === 'x' ? [0o100, 0o010, 0o001] : [0o200, 0o020, 0o002];
  if (stat.uid === account.uid) return (stat.mode & owner) !== 0;
  if (stat.gid === account.gid) return (stat.mode & group) !== 0;
  return (stat.mode & other) !== 0;
}

/**
 * Whether `account` can traverse every directory from `/` down to `target` (the first missing
 * component ends the walk: we will create the rest ourselves, traversable). Current-user
 * accounts always can. Mode bits only — ACLs are not consulted, so a "no" may be conservative.
 */
export function canTraverse(target: string, account: ServerAccount): boolean {
  if (account.uid === null) return true;
  let current = path.resolve(target);
  const chain: string[] = [];
  for (;;) {
    chain.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of chain) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(dir);
    } catch {
      return true;
    }
    if (stat.isDirectory() && !grants(stat, account, 'x')) return false;
  }
  return true;
}

/** True if `pid` is a live (not zombie) process. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM means it exists but belongs to someone else: still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // An orphan reaped by nobody (PID 1 in some containers does not reap) stays a zombie.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

/**
 * The PostgreSQL postmaster chdirs into its data directory, so a live process whose working
 * directory is `dataDir` is the server of that cluster (and not an unrelated process that
 * happens to have inherited a recycled pid).
 */
export function isServerOf(pid: number, dataDir: string): boolean {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`) === fs.realpathSync(dataDir);
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** SIGINT (PostgreSQL's "fast shutdown"), then SIGQUIT, then SIGKILL if it will not go. */
export async function stopProcess(pid: number, graceMs = 10_000): Promise<void> {
  const steps: Array<[NodeJS.Signals, number]> = [
    ['SIGINT', graceMs],
    ['SIGQUIT', 2_000],
    ['SIGKILL', 2_000],
  ];
  for (const [signal, waitMs] of steps) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (!isProcessAlive(pid)) return;
      await sleep(10);
    }
  }
  throw new Error(`PostgreSQL process ${pid} did not exit after SIGINT, SIGQUIT and SIGKILL`);
}
