// `npm run bench:create`: the cost of creating personal access tokens over HTTP against the
// database floor. (a) 100 single-row INSERT transactions of the same rows into the same tokens
// table, 10 connections at a time, sent straight to PostgreSQL with pg; (b) 100
// POST /api/v1/personal-access-tokens with an Idempotency-Key (as the provider sends them), 10 at
// a time, to an API process on the same database. Goal: (b) ≤ 2 × (a). For scale, (c): the same
// 100 POSTs with the same bodies to a bare Express 5 app that parses and echoes them (no database):
// the HTTP floor of any Express API on this machine. And (d): the same 100 POSTs with the same
// bodies (the Idempotency-Key ignored) to a bare Express 5 app that parses them and runs (a)'s
// very INSERT transaction (bench/token-row.ts, shared by both) through a pg Pool of 10
// connections, answering 201 with the row's values and the secret: the floor of any Express API
// that stores the row, which (b) is measured against as well. CPU per request of each process
// (the servers, PostgreSQL, this load generator) is read from /proc around each side's batch.
//
// Measured on two clusters: "durable", PostgreSQL's crash-safe settings, as `npm start` runs it
// (each commit waits for its WAL flush), and "ephemeral", the test suite's (fsync off), where a
// commit costs almost nothing and the API's own work shows most. Rounds alternate which side goes
// first so drift in machine load hits both alike.
//
// Environment: BENCH_ROUNDS (default 7), BENCH_COUNT (creates per round, default 100),
// BENCH_CONCURRENCY (default 10), BENCH_DURABILITY (durable, ephemeral or both; default both),
// BENCH_CPU_PROF (a folder: the API process writes its CPU profile there when it stops, the bare
// Express apps theirs in echo/ and insert/; read them with bench/cpuprofile-report.ts),
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
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../api/db/embedded-postgres';
import { migrateLatest } from '../api/db/migrate';
import { apiListening, cpuMicros, machineLoad, median, ownCpuMicros, spawnServer, stopServer, timedConcurrently } from './support';
import { insertTokenRow } from './token-row';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const COUNT = Number(process.env.BENCH_COUNT ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const DURABILITIES =
  (process.env.BENCH_DURABILITY ?? 'both') === 'both' ? (['durable', 'ephemeral'] as const) : ([process.env.BENCH_DURABILITY] as const);
const GOAL = 2;
const COMPARE = process.env.BENCH_COMPARE;
const repoRoot = path.resolve(__dirname, '..');

/**
 * CPU in µs, summed over the rounds or (in a Result) per create: of the process serving a side,
 * of PostgreSQL (all its processes) and of this process (the load generator).
 */
interface Cpu {
  server: number;
  pg: number;
  client: number;
}

/** One side's wall times (ms per batch, one per round) and its CPU per create. */
type Measured = Cpu & { times: number[] };

interface Result {
  durability: string;
  /** (b) the API: server CPU is the API process's. */
  api: Measured;
  /** (a) INSERT transactions sent by this process: no server process. */
  sql: Measured;
  /** (c) bare Express echo: the HTTP floor of the API's CPU per create. */
  echo: Measured;
  /** (d) bare Express + (a)'s INSERT transaction. */
  floor: Measured;
  /** With BENCH_COMPARE: the other checkout's API, measured the same way. */
  other?: Measured;
}

/** Runs `task(i)` for i in [0, COUNT), CONCURRENCY at a time; returns the wall time in ms. */
function timedBatch(task: (i: number) => Promise<void>): Promise<number> {
  return timedConcurrently(COUNT, CONCURRENCY, task);
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
  let bareInsert: Awaited<ReturnType<typeof spawnServer>> | null = null;
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
    // Connections stay open between sides, so PostgreSQL's CPU is read from the same backends.
    pool = new Pool({ connectionString: databaseUrl, max: CONCURRENCY, idleTimeoutMillis: 0 });
    const pgPid = cluster.pid;
    const userId = String((await pool.query<{ id: string }>('SELECT id FROM users LIMIT 1')).rows[0]?.id);
    // The bare Express apps, each profiled too with BENCH_CPU_PROF (in `folder`), for the floors'
    // own breakdown.
    const spawnBare = (folder: string, env: NodeJS.ProcessEnv): ReturnType<typeof spawnServer> =>
      spawnServer(
        repoRoot,
        [
          ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.BENCH_CPU_PROF, folder)}`] : []),
          'bench/api-hello-server.ts',
        ],
        env,
        (entry) => (typeof entry.url === 'string' ? entry.url : null),
      );
    bare = await spawnBare('echo', {});
    bareInsert = await spawnBare('insert', {
      BENCH_INSERT_DATABASE_URL: databaseUrl,
      BENCH_INSERT_SERVER_KEY: serverKey.toString('hex'),
      BENCH_INSERT_USER_ID: userId,
    });
    const apiUrl = server.url;
    const echoUrl = `${bare.url}/echo`;
    const floorUrl = `${bareInsert.url}/tokens`;

    // The API's create request, as the provider sends it, to `url`; every side sends the same.
    const viaPost = (url: string, round: number): Promise<number> =>
      timedBatch(async (i) => {
        const status = await post(
          agent,
          url,
          { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          JSON.stringify({ name: `bench-api-${round}-${i}`, expiration_days: 1 }),
        );
        if (status !== 201) throw new Error(`${url} answered ${status}`);
      });
    const viaApi = (round: number, base = apiUrl): Promise<number> => viaPost(`${base}/api/v1/personal-access-tokens`, round);
    const viaExpress = (round: number): Promise<number> => viaPost(echoUrl, round);
    const viaExpressInsert = (round: number): Promise<number> => viaPost(floorUrl, round);
    // The same row the API writes: one token of the user, with a fresh keyed hash.
    const sqlPool = pool;
    const viaInsert = (round: number): Promise<number> =>
      timedBatch(async (i) => {
        await insertTokenRow(sqlPool, serverKey, userId, `bench-sql-${round}-${i}`);
      });

    process.stderr.write(`${durability} PostgreSQL: warming up …\n`);
    await viaApi(-1);
    if (otherServer) await viaApi(-2, otherServer.url);
    await viaInsert(-1);
    await viaExpress(-1);
    await viaExpressInsert(-1);
    // Each side: what it runs, the server process whose CPU it is metered by (none for the
    // INSERTs, which this process sends), its wall times and its CPU summed over the rounds.
    type Side = 'api' | 'other' | 'echo' | 'floor' | 'sql';
    const sides = new Map<Side, { run: (round: number) => Promise<number>; pid: number | null; times: number[]; cpu: Cpu }>();
    const side = (name: Side, run: (round: number) => Promise<number>, pid: number | null): void => {
      sides.set(name, { run, pid, times: [], cpu: { server: 0, pg: 0, client: 0 } });
    };
    side('api', (round) => viaApi(round), server.child.pid ?? 0);
    const other = otherServer;
    if (other) side('other', (round) => viaApi(ROUNDS + round, other.url), other.child.pid ?? 0);
    side('echo', viaExpress, bare.child.pid ?? 0);
    side('floor', viaExpressInsert, bareInsert.child.pid ?? 0);
    side('sql', viaInsert, null);
    for (let round = 0; round < ROUNDS; round += 1) {
      const order: Side[] = round % 2 ? ['sql', 'floor', 'echo', 'other', 'api'] : ['api', 'other', 'echo', 'floor', 'sql'];
      for (const name of order) {
        const measured = sides.get(name);
        if (!measured) continue;
        const serverBefore = measured.pid === null ? 0 : cpuMicros(measured.pid);
        const pgBefore = cpuMicros(pgPid);
        const clientBefore = ownCpuMicros();
        measured.times.push(await measured.run(round));
        measured.cpu.client += ownCpuMicros() - clientBefore;
        measured.cpu.server += measured.pid === null ? 0 : cpuMicros(measured.pid) - serverBefore;
        measured.cpu.pg += cpuMicros(pgPid) - pgBefore;
      }
      const last = (name: Side): string => `${(sides.get(name)?.times.at(-1) ?? 0).toFixed(0)} ms`;
      process.stderr.write(
        `  round ${round + 1}/${ROUNDS}: API ${last('api')}, INSERT ${last('sql')}, Express + INSERT ${last('floor')}\n`,
      );
    }
    const perCreate = (name: Side): Measured => {
      const measured = sides.get(name);
      const cpu = measured?.cpu ?? { server: 0, pg: 0, client: 0 };
      const creates = ROUNDS * COUNT;
      return { times: measured?.times ?? [], server: cpu.server / creates, pg: cpu.pg / creates, client: cpu.client / creates };
    };
    const otherResult = other ? perCreate('other') : null;
    return {
      durability,
      api: perCreate('api'),
      sql: perCreate('sql'),
      echo: perCreate('echo'),
      floor: perCreate('floor'),
      ...(otherResult ? { other: otherResult } : {}),
    };
  } finally {
    agent.destroy();
    await pool?.end();
    if (server) await stopServer(server.child);
    if (bare) await stopServer(bare.child);
    if (bareInsert) await stopServer(bareInsert.child);
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
    const us = (value: number): string => `${value.toFixed(0)} µs`;
    for (const r of results) {
      const ratio = median(r.api.times) / median(r.sql.times);
      lines.push(
        row(`${r.durability} PostgreSQL: (a) single-row INSERT transactions (the floor)`, r.sql.times),
        row(`${r.durability} PostgreSQL: (b) POST /api/v1/personal-access-tokens with Idempotency-Key`, r.api.times),
        row(`(c) the same POSTs to bare Express 5 parsing and echoing the JSON body (no database)`, r.echo.times),
        row(
          `${r.durability} PostgreSQL: (d) the same POSTs to bare Express 5 running (a)'s INSERT transaction (pg Pool of 10)`,
          r.floor.times,
        ),
        ...(r.other
          ? [
              row(`${r.durability} PostgreSQL: (b′) the same POSTs to ${COMPARE ?? ''}`, r.other.times),
              `| (b′)/(a) (medians) | | ${(median(r.other.times) / median(r.sql.times)).toFixed(2)}× | its API CPU ${us(r.other.server)}, PostgreSQL CPU ${us(r.other.pg)} per create |`,
            ]
          : []),
        `| ${r.durability}: **ratio (b)/(a)** (medians) | | **${ratio.toFixed(2)}×** (goal ≤ ${GOAL}×) ${ratio <= GOAL ? 'MET' : 'NOT MET'} | API CPU ${us(r.api.server)} per create (bare Express ${us(r.echo.server)} per echo); PostgreSQL CPU ${us(r.api.pg)} per create, ${us(r.sql.pg)} per INSERT transaction; load generator CPU ${us(r.api.client)} per create, ${us(r.sql.client)} per INSERT transaction |`,
        `| ${r.durability}: (d)/(a), the Express + INSERT floor (medians) | | ${(median(r.floor.times) / median(r.sql.times)).toFixed(2)}× | its Express CPU ${us(r.floor.server)} per create; PostgreSQL CPU ${us(r.floor.pg)} per create; load generator CPU ${us(r.floor.client)} per create |`,
        `| ${r.durability}: (b)/(d), the API against that floor (medians) | | ${(median(r.api.times) / median(r.floor.times)).toFixed(2)}× | API CPU ÷ (d)'s Express CPU per create: ${(r.api.server / r.floor.server).toFixed(2)}× |`,
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
