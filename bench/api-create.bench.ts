// `npm run bench:create`: the cost of creating personal access tokens over HTTP against the
// database floor. (a) 100 single-row INSERT transactions of the same rows into the same tokens
// table, 10 connections at a time, sent straight to PostgreSQL with pg; (b) 100
// POST /api/v1/personal-access-tokens with an Idempotency-Key (as the provider sends them), 10 at
// a time, to an API process on the same database. Goal: (b) ≤ 2 × (a). For scale, (c): the same
// 100 POSTs with the same bodies to a bare Express 5 app that parses and echoes them (no database):
// the HTTP floor of any Express API on this machine.
//
// Measured on two clusters: "durable", PostgreSQL's crash-safe settings, as `npm start` runs it
// (each commit waits for its WAL flush), and "ephemeral", the test suite's (fsync off), where a
// commit costs almost nothing and the API's own work shows most. Rounds alternate which side goes
// first so drift in machine load hits both alike.
//
// Environment: BENCH_ROUNDS (default 7), BENCH_COUNT (creates per round, default 100),
// BENCH_CONCURRENCY (default 10), BENCH_DURABILITY (durable, ephemeral or both; default both),
// BENCH_CPU_PROF (a folder: the API process writes its CPU profile there when it stops, the bare
// Express app its own in echo/; read them with bench/cpuprofile-report.ts),
// BENCH_COMPARE (another checkout of this repository, e.g. the previous commit unpacked with
// `git archive`: its API runs beside ours on the same database and is measured in the same
// rounds, interleaved, so a change's effect on CPU per create shows on a busy machine too).
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { ensureBootstrapAdmin } from '../api/bootstrap';
import { generateSecret, hashSecret, tokenHint } from '../api/credentials/secret';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../api/db/embedded-postgres';
import { migrateLatest } from '../api/db/migrate';
import { apiListening, cpuMicros, machineLoad, median, spawnServer, stopServer } from './support';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const COUNT = Number(process.env.BENCH_COUNT ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const DURABILITIES =
  (process.env.BENCH_DURABILITY ?? 'both') === 'both' ? (['durable', 'ephemeral'] as const) : ([process.env.BENCH_DURABILITY] as const);
const GOAL = 2;
const COMPARE = process.env.BENCH_COMPARE;
const repoRoot = path.resolve(__dirname, '..');

interface Result {
  durability: string;
  api: number[];
  sql: number[];
  echo: number[];
  apiCpuPerCreate: number;
  /** The bare Express process's CPU per echoed POST: the HTTP floor of the API's CPU per create. */
  echoCpuPerRequest: number;
  /** PostgreSQL's CPU (all its processes) per create through the API, and per INSERT transaction. */
  pgCpuPerCreate: number;
  pgCpuPerInsert: number;
  /** This process's CPU (the load generator) per create sent over HTTP, and per INSERT transaction it runs itself. */
  clientCpuPerCreate: number;
  clientCpuPerInsert: number;
  /** With BENCH_COMPARE: the other checkout's API, measured the same way. */
  other?: { api: number[]; apiCpuPerCreate: number; pgCpuPerCreate: number };
}

/** Runs `task(i)` for i in [0, COUNT), CONCURRENCY at a time; returns the wall time in ms. */
async function timedBatch(task: (i: number) => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < COUNT) await task(next++);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** POSTs `body` over a kept-alive connection; resolves with the status once the body is read. */
function post(agent: http.Agent, url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(durability: 'durable' | 'ephemeral', root: string): Promise<Result> {
  let cluster: EmbeddedPostgres | null = null;
  let server: Awaited<ReturnType<typeof spawnServer>> | null = null;
  let bare: Awaited<ReturnType<typeof spawnServer>> | null = null;
  let otherServer: Awaited<ReturnType<typeof spawnServer>> | null = null;
  // Kept-alive connections, as any real client (the provider included) holds them.
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let pool: Pool | null = null;
  try {
    cluster = await startEmbeddedPostgres({ dataDir: path.join(root, durability), durability });
    const url = new URL(cluster.connectionString);
    url.pathname = '/bench_create';
    const admin = new Pool({ connectionString: cluster.connectionString, max: 1 });
    await admin.query('CREATE DATABASE bench_create');
    await admin.end();
    const databaseUrl = url.toString();
    const serverKey = randomBytes(32);
    await migrateLatest(databaseUrl);
    const token = await ensureBootstrapAdmin({ database: databaseUrl, serverKey });
    if (token === null) throw new Error('the bench database was not empty');
    server = await spawnServer(
      repoRoot,
      [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), 'api/main.ts'],
      { DATABASE_URL: databaseUrl, TESSERA_SERVER_KEY: serverKey.toString('hex'), PORT: '0', LOG_LEVEL: 'info' },
      apiListening,
    );
    if (COMPARE) {
      otherServer = await spawnServer(
        path.resolve(COMPARE),
        ['api/main.ts'],
        { DATABASE_URL: databaseUrl, TESSERA_SERVER_KEY: serverKey.toString('hex'), PORT: '0', LOG_LEVEL: 'info' },
        apiListening,
      );
    }
    // Profiled too with BENCH_CPU_PROF (in its echo/ subfolder), for the floor's own breakdown.
    bare = await spawnServer(
      repoRoot,
      [
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.BENCH_CPU_PROF, 'echo')}`] : []),
        'bench/api-hello-server.ts',
      ],
      {},
      (entry) => (typeof entry.url === 'string' ? entry.url : null),
    );
    const bareUrl = bare.url;
    const apiPid = server.child.pid ?? 0;
    const barePid = bare.child.pid ?? 0;
    const apiUrl = server.url;
    // Connections stay open between sides, so PostgreSQL's CPU is read from the same backends.
    pool = new Pool({ connectionString: databaseUrl, max: CONCURRENCY, idleTimeoutMillis: 0 });
    const pgPid = cluster.pid;
    const userId = String((await pool.query<{ id: string }>('SELECT id FROM users LIMIT 1')).rows[0]?.id);

    const viaApi = (round: number, base = apiUrl): Promise<number> =>
      timedBatch(async (i) => {
        const status = await post(
          agent,
          `${base}/api/v1/personal-access-tokens`,
          { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          JSON.stringify({ name: `bench-api-${round}-${i}`, expiration_days: 1 }),
        );
        if (status !== 201) throw new Error(`create answered ${status}`);
      });
    const viaExpress = (round: number): Promise<number> =>
      timedBatch(async (i) => {
        const status = await post(
          agent,
          `${bareUrl}/echo`,
          { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          JSON.stringify({ name: `bench-api-${round}-${i}`, expiration_days: 1 }),
        );
        if (status !== 201) throw new Error(`echo answered ${status}`);
      });
    // The same row the API writes: one token of the user, with a fresh keyed hash.
    const viaInsert = (round: number): Promise<number> =>
      timedBatch(async (i) => {
        const secret = generateSecret('personal_access_token');
        const client = await pool!.connect();
        try {
          await client.query('BEGIN');
          await client.query(
            `INSERT INTO tokens (kind, user_id, name, secret_hash, token_hint, expiration_days, created_at, expires_at)
             VALUES ('personal_access_token', $1, $2, $3, $4, 1, now(), now() + interval '1 day')`,
            [userId, `bench-sql-${round}-${i}`, hashSecret(serverKey, secret), tokenHint(secret)],
          );
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      });

    process.stderr.write(`${durability} PostgreSQL: warming up …\n`);
    await viaApi(-1);
    if (otherServer) await viaApi(-2, otherServer.url);
    await viaInsert(-1);
    await viaExpress(-1);
    const result: Result = {
      durability,
      api: [],
      sql: [],
      echo: [],
      apiCpuPerCreate: 0,
      echoCpuPerRequest: 0,
      pgCpuPerCreate: 0,
      pgCpuPerInsert: 0,
      clientCpuPerCreate: 0,
      clientCpuPerInsert: 0,
    };
    const ownCpu = (): number => {
      const usage = process.cpuUsage();
      return usage.user + usage.system;
    };
    let clientCpuApi = 0;
    let clientCpuSql = 0;
    let pgCpuApi = 0;
    let pgCpuSql = 0;
    let pgCpuOther = 0;
    let apiCpu = 0;
    let echoCpu = 0;
    let otherCpu = 0;
    const otherPid = otherServer?.child.pid ?? 0;
    if (otherServer) result.other = { api: [], apiCpuPerCreate: 0, pgCpuPerCreate: 0 };
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 ? (['sql', 'echo', 'other', 'api'] as const) : (['api', 'other', 'echo', 'sql'] as const);
      for (const side of order) {
        if (side === 'other') {
          if (!otherServer || !result.other) continue;
          const otherBefore = cpuMicros(otherPid);
          const pgBefore = cpuMicros(pgPid);
          result.other.api.push(await viaApi(ROUNDS + round, otherServer.url));
          otherCpu += cpuMicros(otherPid) - otherBefore;
          pgCpuOther += cpuMicros(pgPid) - pgBefore;
          continue;
        }
        if (side === 'sql') {
          const pgBefore = cpuMicros(pgPid);
          const clientBefore = ownCpu();
          result.sql.push(await viaInsert(round));
          clientCpuSql += ownCpu() - clientBefore;
          pgCpuSql += cpuMicros(pgPid) - pgBefore;
          continue;
        }
        if (side === 'echo') {
          const echoBefore = cpuMicros(barePid);
          result.echo.push(await viaExpress(round));
          echoCpu += cpuMicros(barePid) - echoBefore;
          continue;
        }
        const before = cpuMicros(apiPid);
        const pgBefore = cpuMicros(pgPid);
        const clientBefore = ownCpu();
        result.api.push(await viaApi(round));
        clientCpuApi += ownCpu() - clientBefore;
        apiCpu += cpuMicros(apiPid) - before;
        pgCpuApi += cpuMicros(pgPid) - pgBefore;
      }
      process.stderr.write(
        `  round ${round + 1}/${ROUNDS}: API ${(result.api.at(-1) ?? 0).toFixed(0)} ms, INSERT ${(result.sql.at(-1) ?? 0).toFixed(0)} ms\n`,
      );
    }
    result.apiCpuPerCreate = apiCpu / (ROUNDS * COUNT);
    result.echoCpuPerRequest = echoCpu / (ROUNDS * COUNT);
    result.pgCpuPerCreate = pgCpuApi / (ROUNDS * COUNT);
    result.pgCpuPerInsert = pgCpuSql / (ROUNDS * COUNT);
    result.clientCpuPerCreate = clientCpuApi / (ROUNDS * COUNT);
    result.clientCpuPerInsert = clientCpuSql / (ROUNDS * COUNT);
    if (result.other) {
      result.other.apiCpuPerCreate = otherCpu / (ROUNDS * COUNT);
      result.other.pgCpuPerCreate = pgCpuOther / (ROUNDS * COUNT);
    }
    return result;
  } finally {
    agent.destroy();
    await pool?.end();
    if (server) await stopServer(server.child);
    if (bare) await stopServer(bare.child);
    if (otherServer) await stopServer(otherServer.child);
    await cluster?.stop();
  }
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-create-'));
  fs.chmodSync(root, 0o755);
  try {
    process.stderr.write(`machine: ${machineLoad()}\n`);
    const results: Result[] = [];
    for (const durability of DURABILITIES) {
      if (durability !== 'durable' && durability !== 'ephemeral') throw new Error(`BENCH_DURABILITY: ${String(durability)}?`);
      results.push(await measure(durability, root));
    }
    const ms = (value: number): string => `${value.toFixed(0)} ms`;
    const row = (label: string, values: number[]): string =>
      `| ${label} | ${ms(Math.min(...values))} | ${ms(median(values))} | ${ms(Math.max(...values))} |`;
    const lines = ['', `| ${COUNT} creates, ${CONCURRENCY} at a time, ${ROUNDS} rounds | min | median | max |`, '|---|---|---|---|'];
    for (const r of results) {
      const ratio = median(r.api) / median(r.sql);
      lines.push(
        row(`${r.durability} PostgreSQL: (a) single-row INSERT transactions (the floor)`, r.sql),
        row(`${r.durability} PostgreSQL: (b) POST /api/v1/personal-access-tokens with Idempotency-Key`, r.api),
        row(`(c) the same POSTs to bare Express 5 parsing and echoing the JSON body (no database)`, r.echo),
        ...(r.other
          ? [
              row(`${r.durability} PostgreSQL: (b′) the same POSTs to ${COMPARE ?? ''}`, r.other.api),
              `| (b′)/(a) (medians) | | ${(median(r.other.api) / median(r.sql)).toFixed(2)}× | its API CPU ${r.other.apiCpuPerCreate.toFixed(0)} µs, PostgreSQL CPU ${r.other.pgCpuPerCreate.toFixed(0)} µs per create |`,
            ]
          : []),
        `| ${r.durability}: **ratio (b)/(a)** (medians) | | **${ratio.toFixed(2)}×** (goal ≤ ${GOAL}×) ${ratio <= GOAL ? 'MET' : 'NOT MET'} | API CPU ${r.apiCpuPerCreate.toFixed(0)} µs per create (bare Express ${r.echoCpuPerRequest.toFixed(0)} µs per echo); PostgreSQL CPU ${r.pgCpuPerCreate.toFixed(0)} µs per create, ${r.pgCpuPerInsert.toFixed(0)} µs per INSERT transaction; load generator CPU ${r.clientCpuPerCreate.toFixed(0)} µs per create, ${r.clientCpuPerInsert.toFixed(0)} µs per INSERT transaction |`,
      );
    }
    lines.push('', `machine: ${machineLoad()} (the load generator, the API and PostgreSQL share the CPUs)`, '');
    process.stdout.write(lines.join('\n'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((failure: unknown) => {
  process.stderr.write(`create bench failed: ${failure instanceof Error ? failure.message : String(failure)}\n`);
  process.exit(1);
});
