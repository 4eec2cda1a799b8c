// The local installation's state folder (`.tessera/` in the working directory, or TESSERA_HOME):
// the embedded PostgreSQL cluster, the generated server key and the bootstrap admin's token.
// Shared by `npm start` and the admin CLI so both find the same database with the same key.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { ConfigError, parseServerKey, type TesseraConfig } from '../config';
import { findRunningCluster, startEmbeddedPostgres, type EmbeddedPostgresLogger, type RestartPolicy } from '../db/embedded-postgres';

export const SERVER_KEY_FILE = 'server-key';
export const ADMIN_TOKEN_FILE = 'admin-token';
/** The database Tessera uses inside the embedded cluster (the cluster's own `postgres` stays empty). */
export const EMBEDDED_DATABASE = 'tessera';

export function stateDirectory(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const configured = env.TESSERA_HOME?.trim();
  return path.resolve(cwd, configured ? configured : '.tessera');
}

function ensureStateDirectory(dir: string): void {
  // 0755, not 0700: as root the PostgreSQL server account must traverse it to reach pg/.
  // The secrets inside are files of their own with mode 0600.
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
}

/** Writes a secret file readable by its owner only, replacing any earlier one atomically. */
export function writePrivateFile(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content, { mode: 0o600 });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
}

/**
 * The server key: TESSERA_SERVER_KEY if set, else `<state>/server-key`, generated (32 random
 * bytes, hex, 0600) on first use. `exclusive` creation means two processes starting at once
 * agree on one key.
 */
export function loadOrCreateServerKey(config: Pick<TesseraConfig, 'serverKey'>, dir: string): { key: Buffer; source: string } {
  if (config.serverKey !== undefined) return { key: config.serverKey, source: 'TESSERA_SERVER_KEY' };
  ensureStateDirectory(dir);
  const file = path.join(dir, SERVER_KEY_FILE);
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    return { key: parseServerKey(fs.readFileSync(file, 'utf8')), source: file };
  } catch (error) {
    throw new ConfigError(`${file} does not hold a valid server key: ${(error as Error).message}`);
  }
}

/**
 * With DATABASE_URL, the key must come from the environment: every API process sharing that
 * database must hash with the same key, and a key generated on one machine would silently make
 * tokens fail on the others.
 */
export function requireConfiguredServerKey(config: Pick<TesseraConfig, 'serverKey'>): Buffer {
  if (config.serverKey === undefined) {
    throw new ConfigError(
      'TESSERA_SERVER_KEY is required when DATABASE_URL is set (every process sharing a database needs the same key); ' +
        'generate one with: openssl rand -hex 32',
    );
  }
  return config.serverKey;
}

export interface LocalDatabase {
  url: string;
  /** "embedded (started)", "embedded (already running, pid N)" or "DATABASE_URL". */
  origin: string;
  /** Stops the cluster if this process started it; otherwise nothing. */
  stop(): Promise<void>;
}

async function ensureDatabase(superuserUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`).catch((error: { code?: string }) => {
        // 42P04: created by a process that raced us; fine.
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
  const url = new URL(superuserUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface OpenEmbeddedOptions {
  dir: string;
  logger?: EmbeddedPostgresLogger;
  /** If the cluster is already running (another `npm start`), connect to it instead of failing. */
  reuseRunning: boolean;
  /** Restart a cluster started here when it dies (npm start); see RestartPolicy. */
  restart?: RestartPolicy;
}

/** The embedded cluster under `<state>/pg`: started here, or the one another process runs. */
export async function openEmbeddedDatabase(options: OpenEmbeddedOptions): Promise<LocalDatabase> {
  ensureStateDirectory(options.dir);
  const dataDir = path.join(options.dir, 'pg');
  if (options.reuseRunning) {
    const running = findRunningCluster(dataDir);
    if (running !== null) {
      return {
        url: await ensureDatabase(running.connectionString, EMBEDDED_DATABASE),
        origin: `embedded (already running, pid ${running.pid})`,
        stop: async () => undefined,
      };
    }
  }
  const cluster = await startEmbeddedPostgres({ dataDir, logger: options.logger, restart: options.restart });
  try {
    return { url: await ensureDatabase(cluster.connectionString, EMBEDDED_DATABASE), origin: 'embedded (started)', stop: cluster.stop };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
