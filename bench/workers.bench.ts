// `npm run bench:workers`: how GET /api/v1/me throughput scales with TESSERA_WORKERS. Runs the
// API twice side by side on one PostgreSQL (TESSERA_WORKERS=1 and =2, each in its own process
// tree) and loads them in alternating rounds with autocannon, so drift in the machine's load hits
// both alike; prints the ratio 2 workers / 1 worker and the load average, since the load
// generator and everything else on the machine share its CPUs.
//
// Environment: BENCH_SECONDS (per round, default 10), BENCH_ROUNDS (per configuration, default 2),
// BENCH_CONNECTIONS (default 50), BENCH_MANY (the second configuration's worker count, default 2).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { ensureBootstrapAdmin } from '../api/bootstrap';
import { migrateLatest } from '../api/db/migrate';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../api/db/embedded-postgres';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const MANY = Number(process.env.BENCH_MANY ?? 2);
const repoRoot = path.resolve(__dirname, '..');

interface Result {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  load: number;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function startApi(databaseUrl: string, serverKey: Buffer, workers: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      TESSERA_SERVER_KEY: serverKey.toString('hex'),
      PORT: '0',
      LOG_LEVEL: 'info',
      TESSERA_WORKERS: String(workers),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'Tessera API listening' && typeof entry.url === 'string') resolve(entry.url);
      } catch {
        // not JSON
      }
    });
    child.once('exit', (code) => reject(new Error(`api/main.ts (TESSERA_WORKERS=${workers}) exited (${String(code)}) before listening`)));
  });
  return { child, url };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function load(url: string, token: string, seconds: number): Promise<Result> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: { authorization: `Bearer ${token}` } });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors,
    load: os.loadavg()[0] ?? 0,
  };
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-workers-'));
  fs.chmodSync(root, 0o755);
  const servers: ChildProcess[] = [];
  let cluster: EmbeddedPostgres | null = null;
  const loadBefore = loadAverage();
  try {
    log(`machine: ${os.cpus().length} CPUs, load average ${loadBefore}`);
    cluster = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg') });
    const client = new Client({ connectionString: cluster.connectionString });
    await client.connect();
    await client.query('CREATE DATABASE bench_workers');
    await client.end();
    const url = new URL(cluster.connectionString);
    url.pathname = '/bench_workers';
    const serverKey = randomBytes(32);
    await migrateLatest(url.toString());
    const token = await ensureBootstrapAdmin({ database: url.toString(), serverKey });
    if (token === null) throw new Error('bench database was not empty');

    const one = await startApi(url.toString(), serverKey, 1);
    servers.push(one.child);
    const many = await startApi(url.toString(), serverKey, MANY);
    servers.push(many.child);
    const oneUrl = `${one.url}/api/v1/me`;
    const manyUrl = `${many.url}/api/v1/me`;
    log('warming up (3 s each) …');
    await load(oneUrl, token, 3);
    await load(manyUrl, token, 3);
    const ones: Result[] = [];
    const manys: Result[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      log(`round ${round}/${ROUNDS}: ${SECONDS} s each, ${CONNECTIONS} connections`);
      ones.push(await load(oneUrl, token, SECONDS));
      manys.push(await load(manyUrl, token, SECONDS));
    }
    const mean = (rs: Result[]): number => rs.reduce((s, r) => s + r.rps, 0) / rs.length;
    const ratio = mean(manys) / mean(ones);
    const row = (label: string, r: Result, i: number): string =>
      `| ${label}, round ${i + 1} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.failures} | ${r.load.toFixed(2)} |`;
    const lines = [
      '',
      `| GET /api/v1/me with a PAT (${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS} s, autocannon) | req/s | p50 ms | p99 ms | non-2xx + errors | 1-min load average after |`,
      '|---|---|---|---|---|---|',
      ...ones.map((r, i) => row('(a) TESSERA_WORKERS=1', r, i)),
      ...manys.map((r, i) => row(`(b) TESSERA_WORKERS=${MANY}`, r, i)),
      `| **scaling (b)/(a)** (mean req/s) | **${ratio.toFixed(2)}** | | | | |`,
      '',
      `machine: ${os.cpus().length} CPUs; load average before ${loadBefore}, now ${loadAverage()}. The load generator, PostgreSQL and ` +
        'any other work on the machine share these CPUs, so the ceiling of (b)/(a) here is well below the worker count.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if ([...ones, ...manys].some((r) => r.failures > 0)) process.exitCode = 1;
  } finally {
    await Promise.all(servers.map(stop));
    await cluster?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
