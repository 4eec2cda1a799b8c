// `npx tsx bench/create-statement.bench.ts`: the CPU one idempotent token create costs the Node
// process and PostgreSQL below HTTP (createPersonalToken, as the API's handler calls it), sent two
// ways in alternating batches on one knex pool: (k) through knex (db.raw: the statement built and
// numbered per call, sent unnamed, so PostgreSQL parses and plans it every time), as creates were
// sent before api/db/statement.ts; (p) as the API sends it now (runStatement: numbered once, a
// named statement on a pooled connection). Without HTTP and a load generator in the way, the
// difference shows on a busy machine, where `npm run bench:create` cannot resolve it.
//
// Environment: BENCH_ROUNDS (default 6), BENCH_COUNT (creates per batch, default 500),
// BENCH_CONCURRENCY (default 10), BENCH_DURABILITY (durable or ephemeral; default durable).
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Knex } from 'knex';
import { ensureBootstrapAdmin } from '../api/bootstrap';
import { systemClock } from '../api/clock';
import type { ServiceContext } from '../api/context';
import { createKnex } from '../api/db/connection';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../api/db/embedded-postgres';
import { migrateLatest } from '../api/db/migrate';
import { createPersonalToken } from '../api/tokens/service';
import { cpuMicros, machineLoad, median, ownCpuMicros, timedConcurrently } from './support';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const COUNT = Number(process.env.BENCH_COUNT ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const DURABILITY = process.env.BENCH_DURABILITY === 'ephemeral' ? 'ephemeral' : 'durable';

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-statement-'));
  fs.chmodSync(root, 0o755);
  let cluster: EmbeddedPostgres | null = null;
  let db: Knex | null = null;
  try {
    process.stderr.write(`machine: ${machineLoad()}\n`);
    cluster = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), durability: DURABILITY });
    const serverKey = randomBytes(32);
    await migrateLatest(cluster.connectionString);
    if ((await ensureBootstrapAdmin({ database: cluster.connectionString, serverKey })) === null) throw new Error('database not empty');
    db = createKnex(cluster.connectionString, { poolMax: CONCURRENCY });
    const userId = String((await db('users').first('id'))?.id);
    const ctx: ServiceContext = { db, clock: systemClock, serverKey, patMaxDays: 30, cache: null, lastUsed: null };
    // The same pool seen as a transaction: runStatement then sends through knex's db.raw.
    const viaKnex = Object.create(db, { isTransaction: { value: true } }) as Knex;
    const actor = { userId, serviceAccountId: null, tokenId: null, sourceIp: '127.0.0.1' };
    const batch = async (label: string, queryable: Knex): Promise<{ cpu: number; pg: number; ms: number }> => {
      const cpuBefore = ownCpuMicros();
      const pgBefore = cpuMicros(cluster!.pid);
      const ms = await timedConcurrently(COUNT, CONCURRENCY, async (i) => {
        const body = { name: `${label}-${i}`, expiration_days: 1 };
        const created = await createPersonalToken(
          { ...ctx, db: queryable },
          actor,
          userId,
          { name: body.name, expirationDays: 1 },
          { scope: `personal_access_token:${userId}`, key: randomUUID(), body },
        );
        if (created.replayed) throw new Error('a fresh key replayed');
      });
      return {
        ms,
        cpu: (ownCpuMicros() - cpuBefore) / COUNT,
        pg: (cpuMicros(cluster!.pid) - pgBefore) / COUNT,
      };
    };
    await batch('warm-k', viaKnex);
    await batch('warm-p', db);
    const results = {
      knex: [] as Array<{ cpu: number; pg: number; ms: number }>,
      prepared: [] as Array<{ cpu: number; pg: number; ms: number }>,
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 ? (['prepared', 'knex'] as const) : (['knex', 'prepared'] as const);
      for (const side of order) results[side].push(await batch(`${side}-${round}`, side === 'knex' ? viaKnex : db));
      process.stderr.write(
        `  round ${round + 1}/${ROUNDS}: knex ${results.knex.at(-1)!.cpu.toFixed(0)} µs, prepared ${results.prepared.at(-1)!.cpu.toFixed(0)} µs Node CPU per create\n`,
      );
    }
    const line = (label: string, rows: Array<{ cpu: number; pg: number; ms: number }>): string =>
      `| ${label} | ${median(rows.map((r) => r.cpu)).toFixed(0)} µs | ${median(rows.map((r) => r.pg)).toFixed(0)} µs | ${median(rows.map((r) => r.ms)).toFixed(0)} ms |`;
    process.stdout.write(
      [
        '',
        `| ${COUNT} idempotent creates below HTTP, ${CONCURRENCY} at a time, ${DURABILITY} PostgreSQL, medians of ${ROUNDS} | Node CPU per create | PostgreSQL CPU per create | wall per batch |`,
        '|---|---|---|---|',
        line('(k) through knex (db.raw, unnamed statement)', results.knex),
        line('(p) runStatement (numbered once, named statement)', results.prepared),
        '',
        `machine: ${machineLoad()}`,
        '',
      ].join('\n'),
    );
  } finally {
    await db?.destroy();
    await cluster?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((failure: unknown) => {
  process.stderr.write(`statement bench failed: ${failure instanceof Error ? failure.message : String(failure)}\n`);
  process.exit(1);
});
