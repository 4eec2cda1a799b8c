// `npm run soak -- --minutes M [--rate R] [--warmup W]` (full size 10 minutes): `npm start` as a
// user runs it (its own process group, embedded PostgreSQL, a fresh TESSERA_HOME), then a mixed
// load at a fixed rate, open loop (a request starts every 1/R s whether or not the last one
// answered): personal access token creates, lists and revokes, GET /api/v1/me, and the sign-in
// page, with the bootstrap admin's token.
//
// Reports the API process's RSS (sampled every 5 s from /proc) over time, p50/p99 latency and
// errors per minute. Violations: any error (a non-2xx answer or no answer), and RSS growth of
// 10 % or more from just after the warm-up (default 1 minute) to the end. The growth is judged
// only when at least 2 minutes follow the warm-up: a shorter window shows start-up, not leaks
// (the CI slice reports it without judging).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { machineLine, numberOptions, table } from './harness';

const repoRoot = path.resolve(__dirname, '..', '..');
const SAMPLE_MS = 5000;
const GROWTH_LIMIT = 0.1;

interface Sample {
  at: number;
  rssMb: number;
}

interface Result {
  at: number;
  ms: number;
  ok: boolean;
  kind: string;
  detail: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** The process in the group that runs api/main.ts (npm and its shell are its parents). */
function apiPid(group: number): number | null {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== group) continue;
      // npm's shell also names api/main.ts in its command line; the API is the node process.
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (path.basename(args[0] ?? '') === 'node' && args.includes('api/main.ts')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function startApi(home: string): Promise<{ child: ChildProcess; url: string; exit: Promise<number | null>; output: string[] }> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const child = spawn(npm, ['start'], {
    cwd: repoRoot,
    // What a shell passes, and a home of its own: the developer's .tessera/ is never touched.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', TESSERA_HOME: home },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start: no "listening" line within 5 minutes:\n${output.join('').slice(-2000)}`)),
      300_000,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'Tessera API listening' && typeof entry.url === 'string') {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // npm's own lines
      }
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${String(code)}) before listening:\n${output.join('').slice(-2000)}`));
    });
  });
  return { child, url, exit, output };
}

async function main(): Promise<void> {
  const options = numberOptions('soak', {
    minutes: { default: '10', help: 'minutes of load' },
    rate: { default: '20', help: 'requests per second' },
    warmup: { default: '1', help: 'minutes before the RSS baseline' },
  });
  const durationMs = options.minutes * 60_000;
  const warmupMs = Math.min(options.warmup * 60_000, durationMs / 2);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-soak-'));
  // mkdtemp makes it 0700; as root, the embedded server runs as "postgres", which must traverse it.
  fs.chmodSync(home, 0o755);
  const began = Date.now();
  const api = await startApi(home);
  let exitCode = 0;
  try {
    const startedIn = ((Date.now() - began) / 1000).toFixed(1);
    const group = api.child.pid!;
    const pid = apiPid(group);
    if (pid === null) throw new Error('could not find the api/main.ts process of npm start');
    const token = fs.readFileSync(path.join(home, 'admin-token'), 'utf8').trim();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created: string[] = [];
    const results: Result[] = [];
    const samples: Sample[] = [];
    let sequence = 0;

    const operations: Array<[number, string, () => Promise<Response>]> = [
      [
        25,
        'create',
        () =>
          fetch(`${api.url}/api/v1/personal-access-tokens`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ name: `soak ${sequence++}`, expiration_days: 1 }),
          }),
      ],
      [
        15,
        'revoke',
        () =>
          fetch(`${api.url}/api/v1/personal-access-tokens/${created.shift() ?? '00000000-0000-0000-0000-000000000000'}`, {
            method: 'DELETE',
            headers,
          }),
      ],
      [25, 'list', () => fetch(`${api.url}/api/v1/personal-access-tokens?page_size=50`, { headers })],
      [25, 'me', () => fetch(`${api.url}/api/v1/me`, { headers })],
      [10, 'sign-in page', () => fetch(`${api.url}/sign-in`)],
    ];
    const totalWeight = operations.reduce((sum, [w]) => sum + w, 0);
    // A fixed, repeating sequence of operations (not random): every run does the same mix.
    const schedule: Array<(typeof operations)[number]> = [];
    for (const operation of operations) for (let i = 0; i < operation[0]; i++) schedule.push(operation);
    const order = schedule
      .map((op, i) => ({ op, key: (i * 7919) % totalWeight }))
      .sort((a, b) => a.key - b.key)
      .map((x) => x.op);

    const loadStart = Date.now();
    const inFlight = new Set<Promise<void>>();
    const sampler = setInterval(() => {
      try {
        samples.push({ at: Date.now() - loadStart, rssMb: rssMb(pid) });
      } catch {
        // the process is gone: the requests will say so
      }
    }, SAMPLE_MS);
    samples.push({ at: 0, rssMb: rssMb(pid) });
    const intervalMs = 1000 / options.rate;
    for (let i = 0; ; i++) {
      const due = loadStart + i * intervalMs;
      if (due - loadStart >= durationMs) break;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const [, kind, call] = order[i % order.length]!;
      const sent = performance.now();
      const at = Date.now() - loadStart;
      const request = call()
        .then(async (res) => {
          const text = await res.text();
          const ms = performance.now() - sent;
          if (kind === 'create' && res.status === 201) created.push(String((JSON.parse(text) as { id: string }).id));
          // A revoke of an id another revoke took first would be a 404 of the script's own making;
          // each id is taken once, and the placeholder id only when none is left (then 404 is right).
          const ok = res.ok || (kind === 'revoke' && res.status === 404 && created.length === 0);
          results.push({ at, ms, ok, kind, detail: ok ? '' : `${res.status} ${text.slice(0, 200)}` });
        })
        .catch((error: unknown) => {
          results.push({ at, ms: performance.now() - sent, ok: false, kind, detail: (error as Error).message });
        });
      const tracked = request.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
    clearInterval(sampler);
    samples.push({ at: Date.now() - loadStart, rssMb: rssMb(pid) });

    // Per minute: requests, errors, latency, RSS.
    const minutes = Math.ceil(durationMs / 60_000);
    const rows: Array<Array<string | number>> = [];
    for (let m = 0; m < minutes; m++) {
      const inMinute = results.filter((r) => r.at >= m * 60_000 && r.at < (m + 1) * 60_000);
      const latencies = inMinute.map((r) => r.ms).sort((a, b) => a - b);
      const rss = samples.filter((s) => s.at >= m * 60_000 && s.at < (m + 1) * 60_000).map((s) => s.rssMb);
      rows.push([
        m + 1,
        inMinute.length,
        inMinute.filter((r) => !r.ok).length,
        percentile(latencies, 50).toFixed(1),
        percentile(latencies, 99).toFixed(1),
        rss.length ? Math.min(...rss).toFixed(1) : '-',
        rss.length ? Math.max(...rss).toFixed(1) : '-',
      ]);
    }
    const errors = results.filter((r) => !r.ok);
    const afterWarmup = samples.filter((s) => s.at >= warmupMs);
    const window = Math.max(1, Math.floor(afterWarmup.length / 5));
    const baseline = median(afterWarmup.slice(0, window).map((s) => s.rssMb));
    const final = median(afterWarmup.slice(-window).map((s) => s.rssMb));
    const growth = (final - baseline) / baseline;
    const judged = durationMs - warmupMs >= 2 * 60_000;
    const all = results.map((r) => r.ms).sort((a, b) => a - b);

    process.stdout.write(
      `soak: ${options.minutes} min at ${options.rate} req/s against npm start (started in ${startedIn} s), ${machineLine()}\n\n`,
    );
    process.stdout.write(table('Per minute', ['minute', 'requests', 'errors', 'p50 ms', 'p99 ms', 'RSS min MB', 'RSS max MB'], rows));
    process.stdout.write(
      table(
        'By operation',
        ['operation', 'requests', 'errors', 'p50 ms', 'p99 ms'],
        operations.map(([, kind]) => {
          const of = results.filter((r) => r.kind === kind);
          const l = of.map((r) => r.ms).sort((a, b) => a - b);
          return [kind, of.length, of.filter((r) => !r.ok).length, percentile(l, 50).toFixed(1), percentile(l, 99).toFixed(1)];
        }),
      ),
    );
    process.stdout.write(`RSS samples (MB, every ${SAMPLE_MS / 1000} s): ${samples.map((s) => s.rssMb.toFixed(0)).join(' ')}\n`);
    process.stdout.write(
      `RSS after ${(warmupMs / 60_000).toFixed(2)} min warm-up: ${baseline.toFixed(1)} MB → end ${final.toFixed(1)} MB, growth ${(growth * 100).toFixed(1)} % ` +
        `(goal < ${GROWTH_LIMIT * 100} %${judged ? '' : '; not judged: under 2 minutes after the warm-up'})\n`,
    );
    process.stdout.write(
      `requests: ${results.length}, errors: ${errors.length}, p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms\n`,
    );
    for (const error of errors.slice(0, 10))
      process.stdout.write(`✗ ${error.kind} at ${(error.at / 1000).toFixed(1)} s: ${error.detail}\n`);
    if (errors.length > 0 || (judged && growth >= GROWTH_LIMIT)) exitCode = 1;
    if (api.child.exitCode !== null) {
      exitCode = 1;
      process.stdout.write(`✗ npm start exited during the run:\n${api.output.join('').slice(-2000)}\n`);
    }
    process.stdout.write(
      `\nRESULT ${exitCode === 0 ? 'PASS' : 'FAIL'} soak minutes=${options.minutes} requests=${results.length} errors=${errors.length} rss_growth=${(growth * 100).toFixed(1)}%\n`,
    );
  } finally {
    // Ctrl-C, as a user stops it: the group gets SIGINT, the API stops, then PostgreSQL.
    try {
      process.kill(-api.child.pid!, 'SIGINT');
    } catch {
      // already gone
    }
    const stopped = await Promise.race([
      api.exit.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30_000)),
    ]);
    if (!stopped) {
      process.kill(-api.child.pid!, 'SIGKILL');
      exitCode = 1;
      process.stdout.write('✗ npm start did not stop within 30 s of SIGINT\n');
    }
    fs.rmSync(home, { recursive: true, force: true });
  }
  process.exitCode = exitCode;
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed to run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
});
