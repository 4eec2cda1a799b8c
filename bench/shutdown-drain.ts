// `npm run bench:drain`: what a SIGTERM costs under load. Starts api/main.ts on the embedded
// PostgreSQL, runs 50 keep-alive connections of mixed requests (read, list, create, revoke),
// sends SIGTERM, and reports the requests that were in flight and failed (goal 0), the requests
// refused afterwards (new connections, expected), and the drain time against the slowest
// request latency under the same load before the signal (the baseline: a drain cannot be
// shorter than the request it waits for).
//
// Environment: BENCH_ROUNDS (default 3), BENCH_SECONDS of load before each SIGTERM (default 5),
// BENCH_CONNECTIONS (default 50), BENCH_WORKERS (TESSERA_WORKERS for the API, default 1).
import * as os from 'node:os';
import { sleep } from '../api/db/embedded-postgres-os';
import { startMixedLoad, summariseDrain } from '../test/support/mixed-load';
import { cleanUpTesseraProcesses, startTesseraProcess } from '../test/support/tessera-process';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WORKERS = process.env.BENCH_WORKERS ?? '1';

interface Round {
  requests: number;
  inFlight: number;
  failedInFlight: number;
  refusedAfter: number;
  answeredAfter: number;
  otherAfter: number;
  p99BeforeMs: number;
  drainMs: number;
  exitMs: number;
  exitCode: number | null;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function round(home: string | undefined): Promise<{ result: Round; home: string }> {
  const tessera = await startTesseraProcess({ via: 'node', home, env: { TESSERA_WORKERS: WORKERS } });
  const load = startMixedLoad({ url: tessera.url, token: tessera.adminToken(), connections: CONNECTIONS });
  await sleep(SECONDS * 1000);
  const logsBefore = tessera.entries.length;
  const signalAt = Date.now();
  tessera.child.kill('SIGTERM');
  const exitCode = await tessera.exit;
  const exitMs = Date.now() - signalAt;
  const records = await load.ended;
  const summary = summariseDrain(records, signalAt);
  const drained = tessera.entries
    .slice(logsBefore)
    .filter((e) => e.msg === 'in-flight requests finished' || e.msg?.startsWith('in-flight requests cut'));
  const before = records.filter((r) => r.doneAt < signalAt && r.status !== undefined).map((r) => r.doneAt - r.sentAt);
  return {
    home: tessera.home,
    result: {
      requests: summary.total,
      inFlight: summary.inFlightAtSignal,
      failedInFlight: summary.failedInFlight.length,
      refusedAfter: summary.afterSignalRefused,
      answeredAfter: summary.afterSignalAnswered,
      otherAfter: summary.afterSignalOther.length,
      p99BeforeMs: percentile(before, 99),
      // With workers, each drains on its own: the slowest one counts.
      drainMs: Math.max(0, ...drained.map((e) => Number(e.ms))),
      exitMs,
      exitCode,
    },
  };
}

async function main(): Promise<void> {
  process.stderr.write(
    `machine: ${os.cpus().length} CPUs, load average ${loadAverage()}; ${CONNECTIONS} connections, workers ${WORKERS}\n`,
  );
  const rounds: Round[] = [];
  let home: string | undefined;
  try {
    for (let i = 1; i <= ROUNDS; i += 1) {
      process.stderr.write(`round ${i}/${ROUNDS}: ${SECONDS} s of load, then SIGTERM …\n`);
      const done = await round(home);
      home = done.home;
      rounds.push(done.result);
    }
  } finally {
    await cleanUpTesseraProcesses();
  }
  const lines = [
    '',
    `| SIGTERM under load (${CONNECTIONS} connections, mixed requests, TESSERA_WORKERS=${WORKERS}) | requests | in flight at SIGTERM | failed in flight | answered after | refused after | other failures after | p99 before SIGTERM ms | drain ms | SIGTERM → exit ms | exit code |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rounds.map(
      (r, i) =>
        `| round ${i + 1} | ${r.requests} | ${r.inFlight} | ${r.failedInFlight} | ${r.answeredAfter} | ${r.refusedAfter} | ${r.otherAfter} | ${r.p99BeforeMs} | ${r.drainMs} | ${r.exitMs} | ${String(r.exitCode)} |`,
    ),
    '',
    `failed in-flight requests: ${rounds.reduce((s, r) => s + r.failedInFlight, 0)} (goal 0); ` +
      `drain time / p99 request latency before SIGTERM: ${rounds.map((r) => (r.drainMs / Math.max(1, r.p99BeforeMs)).toFixed(2)).join(', ')}`,
    `machine: ${os.cpus().length} CPUs, load average now ${loadAverage()} (load generator and other work share the CPUs)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (rounds.some((r) => r.failedInFlight > 0 || r.exitCode !== 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
