// The API in its own OS process, as an operator runs it: `node --import tsx api/main.ts` with
// DATABASE_URL and TESSERA_SERVER_KEY (so it migrates, bootstraps nothing and mounts the web page),
// configured by environment only. Used by test/support/api-server.ts for `mode: 'process'`.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { LogLevel } from '../../api/config';

const repoRoot = path.resolve(__dirname, '../..');
/** api/main.ts's LISTENING_MESSAGE (importing main.ts would start an API); it carries `url`. */
const LISTENING_MESSAGE = 'Tessera API listening';

export interface ApiChildOptions {
  databaseUrl: string;
  serverKey: Buffer;
  port: number;
  logLevel: LogLevel;
  patMaxDays?: number;
  /** More environment for api/main.ts (e.g. TESSERA_SESSION_* settings). */
  env?: Record<string, string>;
  /** Receives every stdout line (a JSON log line), newline-terminated. stderr only goes into errors. */
  onLogLine(line: string): void;
}

export interface ApiChild {
  url: string;
  child: ChildProcess;
  /** SIGTERM (a graceful stop), SIGKILL after 10 s. Resolves once the process has exited. */
  stop(): Promise<void>;
}

/** Starts api/main.ts and waits (up to 90 s: tsx compiles on first start) for its listening line. */
export async function startApiChild(options: ApiChildOptions): Promise<ApiChild> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: options.databaseUrl,
    TESSERA_SERVER_KEY: options.serverKey.toString('hex'),
    PORT: String(options.port),
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel,
    ...(options.patMaxDays === undefined ? {} : { TESSERA_PAT_MAX_DAYS: String(options.patMaxDays) }),
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'api/main.ts')], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If the test process ends without stop() (a crash, a forced exit), do not leave the API behind.
  const onExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  // The last output, for the error when it does not start.
  const recent: string[] = [];
  const keep = (text: string): void => {
    recent.push(text);
    if (recent.length > 50) recent.shift();
  };
  child.stderr.on('data', (chunk: Buffer) => keep(chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`api/main.ts ${why}: ${recent.join('').slice(-2000)}`));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail('did not start within 90 s');
    }, 90_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(`${line}\n`);
      options.onLogLine(`${line}\n`);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === LISTENING_MESSAGE && typeof entry.url === 'string') {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code, signal) => fail(`exited (${String(code ?? signal)}) before listening`));
  }).catch((error: unknown) => {
    process.removeListener('exit', onExit);
    throw error;
  });
  return {
    url,
    child,
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
