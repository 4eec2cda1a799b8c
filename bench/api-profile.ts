// `npx tsx bench/api-profile.ts`: where the API spends CPU on GET /api/v1/me under load. Runs
// api/main.ts with --cpu-prof in its own process against a throwaway cluster, loads it with
// autocannon (50 connections), then prints the functions and packages with the most self time.
// A diagnosis tool for the throughput goal of `npm run bench`, not part of the benchmark.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { ensureBootstrapAdmin } from '../api/bootstrap';
import { migrateLatest } from '../api/db/migrate';
import { startEmbeddedPostgres } from '../api/db/embedded-postgres';
import { profileFunctionLabel, profilePackageLabel } from './support';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const repoRoot = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-profile-'));
  fs.chmodSync(root, 0o755);
  const cluster = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg') });
  try {
    const client = new Client({ connectionString: cluster.connectionString });
    await client.connect();
    await client.query('CREATE DATABASE profile');
    await client.end();
    const url = new URL(cluster.connectionString);
    url.pathname = '/profile';
    const serverKey = randomBytes(32);
    await migrateLatest(url.toString());
    const token = await ensureBootstrapAdmin({ database: url.toString(), serverKey });
    const profDir = path.join(root, 'prof');
    const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--import', 'tsx', 'api/main.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: url.toString(),
        TESSERA_SERVER_KEY: serverKey.toString('hex'),
        PORT: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const apiUrl = await new Promise<string>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'Tessera API listening' && entry.url) resolve(entry.url);
      });
    });
    const result = await autocannon({
      url: `${apiUrl}/api/v1/me`,
      connections: 50,
      duration: SECONDS,
      headers: { authorization: `Bearer ${token}` },
    });
    process.stdout.write(`${result.requests.total} requests, ${result.requests.average} req/s, non-2xx ${result.non2xx}\n`);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const file = fs.readdirSync(profDir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('no CPU profile written');
    const profile = JSON.parse(fs.readFileSync(path.join(profDir, file), 'utf8')) as { nodes: ProfileNode[] };
    const total = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
    const byFunction = new Map<string, number>();
    const byBucket = new Map<string, number>();
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (hits === 0) continue;
      const label = profileFunctionLabel(node.callFrame);
      byFunction.set(label, (byFunction.get(label) ?? 0) + hits);
      const b = profilePackageLabel(node.callFrame);
      byBucket.set(b, (byBucket.get(b) ?? 0) + hits);
    }
    const top = (map: Map<string, number>, n: number): string =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)} %  ${name}`)
        .join('\n');
    process.stdout.write(`\nself time by package / folder:\n${top(byBucket, 25)}\n\nself time by function:\n${top(byFunction, 40)}\n`);
  } finally {
    await cluster.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`profile failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
