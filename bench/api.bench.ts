// `npm run bench`: HTTP throughput of the Tessera API against a bare Express 5 baseline, and the
// token verification latency with 1 000 vs 1 000 000 tokens in the table. A benchmark, not a
// test: it prints numbers and the goals; it fails only if something breaks.
//
// Goals: GET /api/v1/me with a personal access token ≥ 0.70 × the bare Express req/s, with
// p99 ≤ 10 ms, at 50 connections; verification with 1 M tokens ≤ 1.2 × with 1 k.
//
// Environment: BENCH_SECONDS (per measured run, default 10), BENCH_ROUNDS (alternating rounds
// of a/b, default 2), BENCH_CONNECTIONS (default 50), BENCH_FILLER (tokens in the big table,
// default 1 000 000; 0 skips that part), BENCH_LOOKUPS (verifications timed per table and round, default 3000),
// BENCH_WORKERS (TESSERA_WORKERS for the API under test, default 1; `npm run bench:workers` compares 1 and 2).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import pino from 'pino';
import { createTessera } from '../api/app';
import { ensureBootstrapAdmin } from '../api/bootstrap';
import { migrateLatest } from '../api/db/migrate';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../api/db/embedded-postgres';
import { generateSecret, hashSecret, tokenHint } from '../api/tokens/secret';
import { apiListening, cpuMicros, median, spawnServer, stopServer } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const FILLER = Number(process.env.BENCH_FILLER ?? 1_000_000);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 3000);
const KNOWN_TOKENS = 1000;
const repoRoot = path.resolve(__dirname, '..');

interface LoadResult {
  rps: number;
  /** CPU time (user + system) the server process spent per request: robust to a busy machine. */
  cpuUsPerRequest: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function load(url: string, headers: Record<string, string>, seconds: number, serverPid: number): Promise<LoadResult> {
  const cpuBefore = cpuMicros(serverPid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  const cpu = cpuMicros(serverPid) - cpuBefore;
  return {
    rps: result.requests.average,
    cpuUsPerRequest: cpu / Math.max(1, result.requests.total),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function sql(url: string, text: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function createDatabase(cluster: EmbeddedPostgres, name: string): Promise<string> {
  await sql(cluster.connectionString, `CREATE DATABASE ${name}`);
  const url = new URL(cluster.connectionString);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A migrated database with the bootstrap admin and its token, plus `known` tokens whose secrets we keep. */
async function prepareDatabase(url: string, serverKey: Buffer): Promise<{ adminToken: string; known: string[] }> {
  await migrateLatest(url);
  const adminToken = await ensureBootstrapAdmin({ database: url, serverKey });
  if (adminToken === null) throw new Error('bench database was not empty');
  const known = Array.from({ length: KNOWN_TOKENS }, () => generateSecret('personal_access_token'));
  await sql(
    url,
    `INSERT INTO tokens (kind, user_id, name, secret_hash, token_hint, expiration_days, created_at, expires_at)
     SELECT 'personal_access_token', (SELECT id FROM users LIMIT 1), 'bench', h, hint, 30, now(), now() + interval '30 days'
       FROM unnest($1::bytea[], $2::text[]) AS t(h, hint)`,
    [known.map((secret) => hashSecret(serverKey, secret)), known.map((secret) => tokenHint(secret))],
  );
  return { adminToken, known };
}

async function addFiller(url: string, count: number): Promise<void> {
  // Rows that no lookup hits but that make the unique index on secret_hash as deep as in a big
  // installation; sha256 of a counter gives well-spread distinct 32-byte keys, like HMACs.
  await sql(
    url,
    `INSERT INTO tokens (kind, user_id, name, secret_hash, token_hint, expiration_days, created_at, expires_at)
     SELECT 'personal_access_token', (SELECT id FROM users LIMIT 1), 'filler', sha256(('filler-' || i)::bytea), 'tspat_…fill', 30, now(), now() + interval '30 days'
       FROM generate_series(1, $1::int) AS i`,
    [count],
  );
  await sql(url, 'VACUUM ANALYZE tokens');
}

async function timeLookups(url: string, serverKey: Buffer, secrets: string[], rounds: number): Promise<number[]> {
  const tessera = await createTessera({ databaseUrl: url, serverKey, logger: pino({ level: 'silent' }) });
  try {
    const samples: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      for (let i = 0; i < LOOKUPS; i += 1) {
        const secret = secrets[(i * 7919 + round) % secrets.length] as string;
        const started = process.hrtime.bigint();
        const credential = await tessera.authenticator.lookup(secret);
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (credential === null) throw new Error('a known token was not found');
      }
    }
    return samples;
  } finally {
    await tessera.close();
  }
}

interface Verification {
  small: number[];
  big: number[];
  smallCount: number;
  bigCount: number;
}

async function measureVerification(cluster: EmbeddedPostgres, serverKey: Buffer): Promise<Verification> {
  log(`token tables: ${KNOWN_TOKENS} tokens, and ${KNOWN_TOKENS} + ${FILLER} (inserting …)`);
  const smallDb = await createDatabase(cluster, 'bench_1k');
  const bigDb = await createDatabase(cluster, 'bench_1m');
  const small = await prepareDatabase(smallDb, serverKey);
  const big = await prepareDatabase(bigDb, serverKey);
  const fillStarted = Date.now();
  await addFiller(bigDb, FILLER - KNOWN_TOKENS);
  await sql(smallDb, 'VACUUM ANALYZE tokens');
  log(`filled in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s; timing ${LOOKUPS} lookups per table and round …`);
  const count = async (url: string): Promise<number> => Number((await sql(url, 'SELECT count(*)::int AS n FROM tokens'))[0]?.n);
  const result: Verification = { small: [], big: [], smallCount: await count(smallDb), bigCount: await count(bigDb) };
  // Alternate the tables so drift in machine load hits both alike.
  for (let round = 0; round < 3; round += 1) {
    result.small.push(...(await timeLookups(smallDb, serverKey, small.known, 1)));
    result.big.push(...(await timeLookups(bigDb, serverKey, big.known, 1)));
  }
  return result;
}

function fmt(value: number, digits = 2): string {
  return value.toFixed(digits);
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
  fs.chmodSync(root, 0o755);
  const servers: ChildProcess[] = [];
  let cluster: EmbeddedPostgres | null = null;
  try {
    log(
      `machine: ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    cluster = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg') });
    const serverKey = randomBytes(32);

    // --- HTTP: bare Express vs GET /api/v1/me, servers in their own processes -------------
    const httpDb = await createDatabase(cluster, 'bench_http');
    const { adminToken } = await prepareDatabase(httpDb, serverKey);
    const hello = await spawnServer(repoRoot, ['bench/api-hello-server.ts'], {}, (entry) =>
      typeof entry.url === 'string' ? entry.url : null,
    );
    servers.push(hello.child);
    const api = await spawnServer(
      repoRoot,
      ['api/main.ts'],
      {
        DATABASE_URL: httpDb,
        TESSERA_SERVER_KEY: serverKey.toString('hex'),
        PORT: '0',
        LOG_LEVEL: 'info',
        TESSERA_WORKERS: process.env.BENCH_WORKERS ?? '1',
      },
      apiListening,
    );
    servers.push(api.child);
    const helloUrl = `${hello.url}/hello`;
    const meUrl = `${api.url}/api/v1/me`;
    const auth = { authorization: `Bearer ${adminToken}` };
    const check = await fetch(meUrl, { headers: auth });
    if (check.status !== 200) throw new Error(`GET /api/v1/me answered ${check.status}`);

    log(`warming up (3 s each) …`);
    const helloPid = hello.child.pid ?? 0;
    const apiPid = api.child.pid ?? 0;
    await load(helloUrl, {}, 3, helloPid);
    await load(meUrl, auth, 3, apiPid);
    const bare: LoadResult[] = [];
    const me: LoadResult[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      log(`round ${round}/${ROUNDS}: ${SECONDS} s each, ${CONNECTIONS} connections`);
      bare.push(await load(helloUrl, {}, SECONDS, helloPid));
      me.push(await load(meUrl, auth, SECONDS, apiPid));
    }
    await Promise.all(servers.splice(0).map(stopServer));
    const failures = [...bare, ...me].reduce((sum, r) => sum + r.non2xx + r.errors, 0);

    // --- Token verification (cache miss) with 1 k vs 1 M tokens --------------------------
    const verification = FILLER > 0 ? await measureVerification(cluster, serverKey) : null;

    // --- Report --------------------------------------------------------------------------
    const avg = (rs: LoadResult[], pick: (r: LoadResult) => number): number => rs.reduce((s, r) => s + pick(r), 0) / rs.length;
    const bareRps = avg(bare, (r) => r.rps);
    const meRps = avg(me, (r) => r.rps);
    const ratio = meRps / bareRps;
    const meP99 = Math.max(...me.map((r) => r.p99));
    const cpuRatio = avg(bare, (r) => r.cpuUsPerRequest) / avg(me, (r) => r.cpuUsPerRequest);
    const sizeRatio = verification ? median(verification.big) / median(verification.small) : Number.NaN;
    const lines = [
      '',
      `| measurement (${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS} s, autocannon) | req/s | p50 ms | p99 ms | server CPU µs/request |`,
      '|---|---|---|---|---|',
      ...bare.map(
        (r, i) =>
          `| (a) bare Express 5 \`GET /hello\`, round ${i + 1} | ${fmt(r.rps, 0)} | ${r.p50} | ${r.p99} | ${fmt(r.cpuUsPerRequest, 0)} |`,
      ),
      ...me.map(
        (r, i) =>
          `| (b) Tessera \`GET /api/v1/me\` with a PAT, round ${i + 1} | ${fmt(r.rps, 0)} | ${r.p50} | ${r.p99} | ${fmt(r.cpuUsPerRequest, 0)} |`,
      ),
      `| **ratio (b)/(a)** (mean req/s) | **${fmt(ratio)}** (goal ≥ 0.70) | | worst p99 of (b): **${meP99} ms** (goal ≤ 10) | CPU-cost ratio (a)/(b): **${fmt(cpuRatio)}** |`,
      '',
      ...(verification
        ? [
            `| token verification, cache miss (${verification.small.length} lookups each) | median ms | p99 ms |`,
            '|---|---|---|',
            `| ${verification.smallCount} tokens in the table | ${fmt(median(verification.small), 3)} | ${fmt(percentile(verification.small, 99), 3)} |`,
            `| ${verification.bigCount} tokens in the table | ${fmt(median(verification.big), 3)} | ${fmt(percentile(verification.big, 99), 3)} |`,
            `| **ratio 1 M / 1 k** (medians) | **${fmt(sizeRatio)}** (goal ≤ 1.2) | |`,
            '',
          ]
        : []),
      `goals: throughput ratio ${ratio >= 0.7 ? 'MET' : 'MISSED'}, p99 ${meP99 <= 10 ? 'MET' : 'MISSED'}, size ratio ${FILLER === 0 ? 'not measured (BENCH_FILLER=0)' : sizeRatio <= 1.2 ? 'MET' : 'MISSED'}` +
        `${failures > 0 ? `; ${failures} non-2xx responses or errors during load!` : ''}`,
      `machine: ${os.cpus().length} CPUs, load average now ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (load generator shares the CPUs)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (failures > 0) process.exitCode = 1;
  } finally {
    await Promise.all(servers.map(stopServer));
    await cluster?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
