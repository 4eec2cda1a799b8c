// Files of an embedded cluster's data directory that we read or write: PostgreSQL's own
// `postmaster.pid` (who runs it, on which port, ready yet?) and our credentials file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isProcessAlive, isServerOf } from './embedded-postgres-os';

export const SUPERUSER = 'postgres';
const CREDENTIALS_FILE = 'tessera-superuser.json';

export interface PostmasterPid {
  pid: number;
  port: number;
  /** "starting", "ready", "stopping", or "" on servers that do not write it. */
  status: string;
}

/** Parses `postmaster.pid` (line 1 pid, line 4 port, line 8 status); null if absent/partial. */
export function readPostmasterPid(dataDir: string): PostmasterPid | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, port: Number.isInteger(port) ? port : 0, status: (lines[7] ?? '').trim() };
}

export interface ClusterCredentials {
  user: string;
  password: string;
}

export function writeCredentials(dataDir: string, credentials: ClusterCredentials): void {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

export function readCredentials(dataDir: string): ClusterCredentials | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, CREDENTIALS_FILE), 'utf8')) as Partial<ClusterCredentials>;
    if (typeof parsed.user === 'string' && typeof parsed.password === 'string') {
      return { user: parsed.user, password: parsed.password };
    }
  } catch {
    // fall through
  }
  return null;
}

export function connectionStringFor(credentials: ClusterCredentials, port: number, database = 'postgres'): string {
  return `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

export function isInitialised(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

export function clusterMajor(dataDir: string): number | undefined {
  try {
    const major = Number.parseInt(fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim(), 10);
    return Number.isInteger(major) ? major : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The cluster in `dataDir` if a live server is running it and accepting connections (another
 * process's `npm start`, say): what the admin CLI connects to instead of starting a second one.
 */
export function findRunningCluster(dataDir: string): { connectionString: string; port: number; pid: number } | null {
  const pidFile = readPostmasterPid(dataDir);
  const credentials = readCredentials(dataDir);
  if (pidFile === null || credentials === null || pidFile.status !== 'ready') return null;
  if (!isProcessAlive(pidFile.pid) || !isServerOf(pidFile.pid, dataDir)) return null;
  return { connectionString: connectionStringFor(credentials, pidFile.port), port: pidFile.port, pid: pidFile.pid };
}
