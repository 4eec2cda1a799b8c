// npm run bench:provider-rss [-- --count N] — peak resident memory of the tessera provider
// process while `terraform apply` creates N (default 500) tessera_personal_access_token
// resources, and while `terraform destroy` revokes them. Goal: ≤ 80 MB for the apply of 500.
// The baseline, measured in the same run, is the same apply of 1 token: the ratio shows what
// the N resources add. Real parts: embedded PostgreSQL, the API, the bundled provider from a
// filesystem mirror, the terraform CLI. The peak is the kernel's VmHWM (high-water mark of
// the resident set) from /proc/<pid>/status of every provider process terraform starts, read
// every 25 ms until the process exits; exits non-zero if the goal is not met.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { createTerraformWorkdir, type TerraformWorkdir } from '../test/support/terraform';
import { providerMirror } from '../test/provider/provider-mirror';
import { startTestApi } from '../test/support/api-server';

const GOAL_MB = 80;
const SAMPLE_MS = 25;

function countArgument(): number {
  const at = process.argv.indexOf('--count');
  const value = at >= 0 ? Number(process.argv[at + 1]) : 500;
  if (!Number.isInteger(value) || value < 1) throw new Error('--count takes a whole number of tokens (1 or more)');
  return value;
}

const tokensTf = (count: number): string => `
terraform {
  required_providers {
    tessera = { source = "tessera/tessera" }
  }
}
resource "tessera_personal_access_token" "rss" {
  count           = ${count}
  name            = "rss-\${count.index}"
  expiration_days = 1
}
`;

/** pid → parent pid of every process now. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      map.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return map;
}

function isBelow(pid: number, root: number, parentOf: Map<number, number>): boolean {
  for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) if (p === root) return true;
  return false;
}

/** VmHWM and RssAnon (private memory, without the node binary's shared file pages) in kB, or null once gone. */
function memoryOf(pid: number): { hwm: number; anon: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { hwm: kb('VmHWM'), anon: kb('RssAnon') };
  } catch {
    return null;
  }
}

interface Measured {
  wallMs: number;
  /** Peak VmHWM (kB) per provider process terraform started, in start order. */
  providers: number[];
  /** Largest RssAnon (kB) seen in any provider process: the part that is the process's own. */
  anonKb: number;
  /** terraform's own peak, for scale. */
  terraformKb: number;
}

/** Runs terraform with `args` and samples the memory of every provider process below it. */
async function measure(workdir: TerraformWorkdir, args: string[]): Promise<Measured> {
  const started = Date.now();
  const child = spawn(workdir.binary, args, { cwd: workdir.dir, env: workdir.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const root = child.pid ?? 0;
  const peaks = new Map<number, number>();
  let terraformKb = 0;
  let anonKb = 0;
  const sample = (): void => {
    terraformKb = Math.max(terraformKb, memoryOf(root)?.hwm ?? 0);
    const parentOf = parents();
    for (const pid of parentOf.keys()) {
      if (!peaks.has(pid) && !isBelow(pid, root, parentOf)) continue;
      let cmdline: string;
      try {
        cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (!peaks.has(pid) && !cmdline.includes('provider.js')) continue;
      const memory = memoryOf(pid);
      if (memory === null) continue;
      peaks.set(pid, Math.max(peaks.get(pid) ?? 0, memory.hwm));
      anonKb = Math.max(anonKb, memory.anon);
    }
  };
  const timer = setInterval(sample, SAMPLE_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`terraform ${args[0]} exited with ${String(code)}:\n${output.slice(-4000)}`);
  return { wallMs: Date.now() - started, providers: [...peaks.values()], anonKb, terraformKb };
}

const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const count = countArgument();
  await globalSetup();
  const api = await startTestApi();
  const workdirs: TerraformWorkdir[] = [];
  let met: boolean;
  try {
    const mirror = await providerMirror();
    const user = await api.createUserWithToken({ role: 'Member' });
    // NODE_OPTIONS reaches the provider through terraform: a way to try V8 settings.
    const env: Record<string, string> = { TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: user.token };
    if (process.env.NODE_OPTIONS) env.NODE_OPTIONS = process.env.NODE_OPTIONS;
    const workdir = async (n: number): Promise<TerraformWorkdir> => {
      const w = await createTerraformWorkdir({
        mirrorDir: mirror.mirrorDir,
        providerSources: mirror.addresses,
        files: { 'main.tf': tokensTf(n) },
        env,
      });
      workdirs.push(w);
      await w.runOk(['init', '-no-color', '-input=false']);
      return w;
    };
    const [one, many] = [await workdir(1), await workdir(count)];
    const apply = ['apply', '-auto-approve', '-no-color', '-input=false'];
    const destroy = ['destroy', '-auto-approve', '-no-color', '-input=false'];

    const baseline = await measure(one, apply);
    await measure(one, destroy);
    const applied = await measure(many, apply);
    const live = await api.sql<{ n: string }>(
      'SELECT count(*)::text AS n FROM tokens WHERE user_id = $1 AND created_via IS NOT NULL AND revoked_at IS NULL',
      [user.id],
    );
    const destroyed = await measure(many, destroy);

    const peak = (m: Measured): number => Math.max(...m.providers);
    const ratio = peak(applied) / peak(baseline);
    met = peak(applied) <= GOAL_MB * 1024;
    const row = (label: string, m: Measured): string =>
      `  ${label.padEnd(24)} ${mb(peak(m)).padStart(9)}   ${mb(m.anonKb).padStart(9)}   ${String(m.providers.length).padStart(9)}   ${mb(m.terraformKb).padStart(9)}   ${(m.wallMs / 1000).toFixed(1).padStart(6)} s`;
    process.stdout.write(
      [
        '',
        `provider peak RSS (VmHWM of each provider process, largest shown; private = peak RssAnon, without the node binary's shared pages), Node ${process.version}:`,
        `  ${'run'.padEnd(24)} ${'provider'.padStart(9)}   ${'private'.padStart(9)}   ${'processes'.padStart(9)}   ${'terraform'.padStart(9)}   ${'wall'.padStart(8)}`,
        row('apply, 1 token (base)', baseline),
        row(`apply, ${count} tokens`, applied),
        row(`destroy, ${count} tokens`, destroyed),
        `  tokens live after the apply: ${live[0]?.n ?? '?'} of ${count}`,
        `  apply of ${count}: ${mb(peak(applied))} = ${ratio.toFixed(2)}× the 1-token apply; goal ≤ ${GOAL_MB} MB: ${met ? 'MET' : 'NOT MET'}`,
        '',
      ].join('\n'),
    );
  } finally {
    for (const w of workdirs) w.cleanup();
    await api.stop();
    await globalTeardown();
  }
  if (!met) process.exitCode = 1;
}

main().catch((failure: unknown) => {
  process.stderr.write(`provider RSS bench failed: ${failure instanceof Error ? failure.message : String(failure)}\n`);
  process.exit(1);
});
