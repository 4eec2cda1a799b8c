// `npm start` (or `node --import tsx api/main.ts`) as an operator runs it, for the operations
// tests that kill parts of it: a real process group on the embedded PostgreSQL in a temporary
// TESSERA_HOME, every stdout line kept as parsed JSON, and a clean-up that leaves no process or
// cluster behind whatever the test did.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { readCredentials, readPostmasterPid, connectionStringFor } from '../../api/db/embedded-postgres-cluster';
import { isProcessAlive, sleep } from '../../api/db/embedded-postgres-os';

const repoRoot = path.resolve(__dirname, '../..');
/** api/main.ts's LISTENING_MESSAGE (importing main.ts would start an API). */
const LISTENING_MESSAGE = 'Tessera API listening';

export type LogEntry = Record<string, unknown> & { msg?: string };

export interface TesseraProcess {
  child: ChildProcess;
  url: string;
  home: string;
  /** Every output line, stdout and stderr, as written. */
  output: string[];
  /** The JSON log lines of stdout, in order. */
  entries: LogEntry[];
  /** Exit code once the process (and its output) has ended; null when killed by a signal. */
  exit: Promise<number | null>;
  /** The bootstrap admin's personal access token (written to TESSERA_HOME/admin-token). */
  adminToken(): string;
  /** The embedded postmaster's pid and port, from its postmaster.pid. */
  postmaster(): { pid: number; port: number } | null;
  /** Resolves with the first log entry (from `from` on) that matches; rejects after `ms`. */
  waitForLog(match: (entry: LogEntry) => boolean, ms: number, from?: number): Promise<LogEntry>;
  /** Runs one query as the cluster's superuser on the tessera database. */
  sql<T extends Record<string, unknown>>(text: string): Promise<T[]>;
}

export interface StartOptions {
  /** `npm start --silent` (default) or node running api/main.ts directly, as a process manager would. */
  via?: 'npm' | 'node';
  env?: Record<string, string>;
  /** Reuse this TESSERA_HOME (a cluster made by an earlier start) instead of a new one. */
  home?: string;
}

const running: TesseraProcess[] = [];

function parseJson(line: string): LogEntry | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as LogEntry) : null;
  } catch {
    return null;
  }
}

export async function startTesseraProcess(options: StartOptions = {}): Promise<TesseraProcess> {
  const home = options.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ops-'));
  fs.chmodSync(home, 0o755); // as root, PostgreSQL's account must traverse it
  // Only what a shell would pass; in particular no DATABASE_URL from the developer's session.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', TESSERA_HOME: home, ...options.env };
  const [command, args] = options.via === 'node' ? [process.execPath, ['--import', 'tsx', 'api/main.ts']] : ['npm', ['start', '--silent']];
  // Its own process group, like a terminal job: clean-up can signal every process in it.
  const child = spawn(command, args, { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const entries: LogEntry[] = [];
  const waiters = new Set<() => void>();
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    output.push(line);
    const entry = parseJson(line);
    if (entry !== null) {
      entries.push(entry);
      for (const wake of waiters) wake();
    }
  });

  const waitForLog = (match: (entry: LogEntry) => boolean, ms: number, from = 0): Promise<LogEntry> =>
    new Promise<LogEntry>((resolve, reject) => {
      const check = (): boolean => {
        const found = entries.slice(from).find(match);
        if (found === undefined) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching log line within ${ms} ms; last lines:\n${output.slice(-30).join('\n')}`));
      }, ms);
      const onExit = (): void => {
        if (check()) return;
        cleanup();
        reject(new Error(`the process exited without a matching log line; last lines:\n${output.slice(-30).join('\n')}`));
      };
      const wake = (): void => void check();
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(wake);
      };
      waiters.add(wake);
      void exit.then(onExit);
      check();
    });

  const dataDir = path.join(home, 'pg');
  const started: TesseraProcess = {
    child,
    url: '',
    home,
    output,
    entries,
    exit,
    adminToken: () => fs.readFileSync(path.join(home, 'admin-token'), 'utf8').trim(),
    postmaster: () => {
      const pid = readPostmasterPid(dataDir);
      return pid === null ? null : { pid: pid.pid, port: pid.port };
    },
    waitForLog,
    sql: async <T extends Record<string, unknown>>(text: string): Promise<T[]> => {
      const credentials = readCredentials(dataDir);
      const pid = readPostmasterPid(dataDir);
      if (credentials === null || pid === null) throw new Error('no running embedded cluster');
      const client = new Client({ connectionString: connectionStringFor(credentials, pid.port, 'tessera') });
      await client.connect();
      try {
        return (await client.query<T>(text)).rows;
      } finally {
        await client.end();
      }
    },
  };
  running.push(started);
  const listening = await waitForLog((entry) => entry.msg === LISTENING_MESSAGE && typeof entry.url === 'string', 120_000);
  started.url = listening.url as string;
  return started;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills whatever a test left running (its process group, then its cluster) and removes its home. */
export async function cleanUpTesseraProcesses(options: { keepHomes?: boolean } = {}): Promise<void> {
  for (const started of running.splice(0)) {
    const pgid = started.child.pid ?? 0;
    if (pgid > 0 && groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    // The postmaster runs detached from the group (its own session), so it is stopped by pid.
    const postmaster = readPostmasterPid(path.join(started.home, 'pg'));
    if (postmaster !== null && isProcessAlive(postmaster.pid)) {
      process.kill(postmaster.pid, 'SIGINT');
      const deadline = Date.now() + 10_000;
      while (isProcessAlive(postmaster.pid) && Date.now() < deadline) await sleep(25);
    }
    if (options.keepHomes !== true) fs.rmSync(started.home, { recursive: true, force: true });
  }
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One request on a connection of its own (no keep-alive): with TESSERA_WORKERS the cluster hands
 * out connections round-robin, so each request may land on another worker.
 */
export function requestOnce(
  url: string,
  options: { method?: string; token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: {
          connection: 'close',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
