// A real Tessera API for end-to-end tests (provider, CDKTF, ops): a fresh test database,
// migrations, the bootstrap SysAdmin and its token, listening on 127.0.0.1 on a free port.
//
//   const api = await startTestApi();                 // in this process (fast, default)
//   const api = await startTestApi({ mode: 'process' }); // `node --import tsx api/main.ts` as a child
//   await fetch(`${api.baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${api.adminToken}` } });
//   const alice = await api.createUserWithToken({ email: 'alice@example.com' });
//   await api.stop();
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { createTessera } from '../../api/app';
import { createPersonalTokenForEmail, createUserAccount, ensureBootstrapAdmin } from '../../api/bootstrap';
import type { Clock } from '../../api/clock';
import { migrateLatest } from '../../api/db/migrate';
import { createTestDatabase } from './database';

export interface TestUserInput {
  /** Default: a unique user-…@example.test address. */
  email?: string;
  name?: string;
  /** Team to join; created with `role` when missing. */
  team?: string;
  role?: 'SysAdmin' | 'Member' | 'ReadOnly';
  /** Token lifetime; default 30. */
  days?: number;
}

export interface TestUser {
  id: string;
  email: string;
  /** A personal access token secret of that user. */
  token: string;
  tokenId: string;
}

export interface TestApi {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  baseUrl: string;
  /** The test database the API uses (superuser URL), for assertions in SQL. */
  databaseUrl: string;
  /** Server key (HMAC) the API runs with. */
  serverKey: Buffer;
  /** Personal access token secret of admin@localhost, a SysAdmin, valid 1 day. */
  adminToken: string;
  /** Creates a user (optionally in a team) with a personal access token, straight in the database. */
  createUserWithToken(input?: TestUserInput): Promise<TestUser>;
  /**
   * In-process only: stops the API and starts it again on the same database, key and port with
   * other settings, as an operator restarting it with a changed environment would.
   */
  restart(options: Pick<TestApiOptions, 'patMaxDays'>): Promise<void>;
  /** Stops the API, then drops its database. */
  stop(): Promise<void>;
}

export interface TestApiOptions {
  /** "in-process" (default): createTessera in this process. "process": a child running api/main.ts. */
  mode?: 'in-process' | 'process';
  /** TESSERA_PAT_MAX_DAYS; default 30. */
  patMaxDays?: number;
  /** In-process only: a controllable clock for the API (e.g. ManualClock from api/clock). */
  clock?: Clock;
  /** In-process only: a logger (default silent). */
  logger?: pino.Logger;
  /** Failed authentications per address before 429; default 1000 so tests do not trip it. */
  authFailureLimit?: number;
}

const repoRoot = path.resolve(__dirname, '../..');
let userCounter = 0;

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  const serverKey = randomBytes(32);
  let stopServer: () => Promise<void> = async () => undefined;
  try {
    await migrateLatest(database.url);
    const adminToken = await ensureBootstrapAdmin({ database: database.url, serverKey });
    if (adminToken === null) throw new Error('a fresh test database already had users');

    let baseUrl: string;
    let restartServer: (patMaxDays: number | undefined) => Promise<void> = async () => {
      throw new Error('startTestApi: restart applies to mode "in-process" only');
    };
    if ((options.mode ?? 'in-process') === 'in-process') {
      const startInProcess = async (patMaxDays: number | undefined, port: number): Promise<string> => {
        const tessera = await createTessera({
          databaseUrl: database.url,
          serverKey,
          clock: options.clock,
          logger: options.logger ?? pino({ level: 'silent' }),
          patMaxDays,
          authFailureLimit: options.authFailureLimit ?? 1000,
        });
        stopServer = () => tessera.close();
        return (await tessera.listen(port, '127.0.0.1')).url;
      };
      baseUrl = await startInProcess(options.patMaxDays, 0);
      const port = Number(new URL(baseUrl).port);
      restartServer = async (patMaxDays) => {
        await stopServer();
        await startInProcess(patMaxDays, port);
      };
    } else {
      if (options.clock !== undefined || options.logger !== undefined) {
        throw new Error('startTestApi: clock and logger apply to mode "in-process" only');
      }
      const child = await spawnApiProcess(database.url, serverKey, options.patMaxDays);
      stopServer = child.stop;
      baseUrl = child.url;
    }

    const adminOptions = { database: database.url, serverKey, patMaxDays: options.patMaxDays };
    return {
      baseUrl,
      databaseUrl: database.url,
      serverKey,
      adminToken,
      async createUserWithToken(input: TestUserInput = {}) {
        userCounter += 1;
        const email = input.email ?? `user-${process.pid}-${userCounter}-${randomBytes(3).toString('hex')}@example.test`;
        const user = await createUserAccount(adminOptions, { email, name: input.name ?? `Test user ${userCounter}`, team: input.team, role: input.role });
        const token = await createPersonalTokenForEmail(adminOptions, { email, days: input.days ?? 30, name: 'test token' });
        return { id: user.id, email, token: token.token, tokenId: token.id };
      },
      restart: (next) => restartServer(next.patMaxDays),
      async stop() {
        try {
          await stopServer();
        } finally {
          await database.drop();
        }
      },
    };
  } catch (error) {
    await stopServer().catch(() => undefined);
    await database.drop().catch(() => undefined);
    throw error;
  }
}

interface ApiChild {
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs api/main.ts with DATABASE_URL + TESSERA_SERVER_KEY + PORT=0 (so it bootstraps nothing and
 * picks a free port) and waits for its "Tessera API listening" log line, which carries the URL.
 */
async function spawnApiProcess(databaseUrl: string, serverKey: Buffer, patMaxDays: number | undefined): Promise<ApiChild> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: databaseUrl,
    TESSERA_SERVER_KEY: serverKey.toString('hex'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...(patMaxDays === undefined ? {} : { TESSERA_PAT_MAX_DAYS: String(patMaxDays) }),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'api/main.ts')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`api/main.ts did not start within 60 s: ${output.join('\n').slice(-2000)}`)), 60_000);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      output.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'Tessera API listening' && typeof entry.url === 'string') {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line
      }
    });
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`api/main.ts exited (${String(code)}) before listening: ${output.join('\n').slice(-2000)}`));
    });
  });
  // If the test process ends without stop() (a crash, a forced exit), do not leave the API behind.
  const onExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  return {
    url,
    stop: async () => {
      process.removeListener('exit', onExit);
      await stopChild(child);
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
