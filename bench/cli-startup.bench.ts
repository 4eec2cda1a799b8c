// Part of `npm run bench`: wall time of `tessera whoami` (the package's bin, logged in through
// the configuration file, one real GET /api/v1/me against a real API on a real PostgreSQL)
// against a bare `node -e 0`, interleaved in the same run so both see the same machine load.
// Also `tessera --version` (start-up with no request). Prints min / median / max and the ratio
// of the medians. Goal: whoami ≤ 1.5 × node -e 0.
//
// Environment: BENCH_CLI_RUNS (runs of each, default 30).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { ensureBootstrapAdmin } from '../api/bootstrap';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../api/db/embedded-postgres';
import { migrateLatest } from '../api/db/migrate';
import { buildCli } from '../scripts/cli-build';

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 30);
const GOAL = 1.5;
const repoRoot = path.resolve(__dirname, '..');
const bin = path.join(repoRoot, 'cli', 'bin', 'tessera.cjs');

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function startApi(databaseUrl: string, serverKey: Buffer): Promise<{ child: ChildProcess; url: string }> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: databaseUrl,
    TESSERA_SERVER_KEY: serverKey.toString('hex'),
    PORT: '0',
    LOG_LEVEL: 'info',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'Tessera API listening' && typeof entry.url === 'string') resolve(entry.url);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`api/main.ts exited (${String(code)}) before listening`)));
  });
  return { child, url };
}

/** Milliseconds from spawn to exit; fails on a non-zero exit. */
function timeRun(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    if (input !== undefined) child.stdin?.end(input);
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`${args.join(' ')} exited ${String(code)}: ${stderr}`));
    });
  });
}

function stats(values: number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { min: sorted[0] as number, median, max: sorted[sorted.length - 1] as number };
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-bench-'));
  fs.chmodSync(root, 0o755);
  let cluster: EmbeddedPostgres | null = null;
  let api: ChildProcess | null = null;
  try {
    log(
      `CLI start-up: machine ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    await buildCli();
    cluster = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), durability: 'ephemeral' });
    const client = new Client({ connectionString: cluster.connectionString });
    await client.connect();
    await client.query('CREATE DATABASE bench_cli');
    await client.end();
    const databaseUrl = Object.assign(new URL(cluster.connectionString), { pathname: '/bench_cli' }).toString();
    const serverKey = randomBytes(32);
    await migrateLatest(databaseUrl);
    const token = await ensureBootstrapAdmin({ database: databaseUrl, serverKey });
    if (token === null) throw new Error('the bench database was not empty');
    const started = await startApi(databaseUrl, serverKey);
    api = started.child;

    const env = { PATH: process.env.PATH, HOME: root, XDG_CONFIG_HOME: path.join(root, 'config') };
    await timeRun([bin, 'login', '--endpoint', started.url, '--with-token'], env, token);

    const cases: Array<[string, string[]]> = [
      ['node -e 0', ['-e', '0']],
      ['tessera whoami', [bin, 'whoami']],
      ['tessera --version', [bin, '--version']],
    ];
    const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
    log(`warming up, then ${RUNS} interleaved runs of each …`);
    for (const [, args] of cases) await timeRun(args, env);
    for (let run = 0; run < RUNS; run += 1) {
      for (const [name, args] of cases) times.get(name)?.push(await timeRun(args, env));
    }

    const baseline = stats(times.get('node -e 0') ?? []);
    const whoami = stats(times.get('tessera whoami') ?? []);
    const lines = [
      '',
      `| CLI start-up (${RUNS} interleaved runs each, wall time) | min ms | median ms | max ms | median ÷ node -e 0 |`,
      '|---|---|---|---|---|',
      ...cases.map(([name]) => {
        const s = stats(times.get(name) ?? []);
        return `| \`${name}\` | ${s.min.toFixed(1)} | ${s.median.toFixed(1)} | ${s.max.toFixed(1)} | ${(s.median / baseline.median).toFixed(2)} |`;
      }),
      `| **ratio whoami / node -e 0** | min ${(whoami.min / baseline.min).toFixed(2)} | **median ${(whoami.median / baseline.median).toFixed(2)}** (goal ≤ ${GOAL}) | | |`,
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (api && api.exitCode === null) {
      const exited = new Promise((resolve) => api?.once('exit', resolve));
      api.kill('SIGTERM');
      await exited;
    }
    await cluster?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`CLI bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
