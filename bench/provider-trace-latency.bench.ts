/**
 * Where a provider process's time goes, as Terraform itself sees it: `terraform plan` of one
 * `peer_thing` under TF_LOG=trace, and per provider process the gaps between the CLI's own log
 * lines (millisecond timestamps):
 *   - exec → handshake: "starting plugin" → "using plugin" (the handshake line was read);
 *   - handshake → first RPC sent: "using plugin" → the first "GRPCProvider.v6: <Rpc>" line
 *     (TLS, the HTTP/2 session and whatever the provider still does after its handshake line);
 *   - RPC sent → the provider's "Received request" line (TypeScript sides only), the first
 *     call of a process apart from the later ones;
 *   - Close → exit: "GRPCProvider.v6: Close" → "plugin process exited";
 * plus the plan's wall time and the provider CPU per plan (/proc rusage of the CLI's children
 * is not reachable, so CPU comes from GNU time around each provider process).
 *
 * Sides, interleaved plan by plan: the Go yardstick (bench/yardstick/go), this checkout's
 * TypeScript yardstick, and optionally another checkout's (`--baseline DIR`, e.g. a worktree of
 * main before a change), so a change is measured against its baseline in one run on one machine.
 * TF_PROVIDER_NODE, when set, is passed to the TypeScript providers (the node binary to run).
 * Usage: tsx bench/provider-trace-latency.bench.ts [--runs N] [--baseline DIR] [--tf-log off]
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleProvider, currentPlatform, writeMirrorPackage } from '../provider/protocol';
import { CODE_CACHE_DIR_ENV } from '../provider/protocol/packaging/loader';
import { createTerraformWorkdir, type TerraformWorkdir } from '../test/support/terraform';
import { argValue, buildGoYardstick, meterWithGnuTime, median, readRusage } from './support';

const REPO = resolve(__dirname, '..');
const VERSION = '0.1.0';
const RUNS = Number(argValue('--runs') ?? 15);
const BASELINE = argValue('--baseline');
/** `--tf-log off` measures plan time and CPU without the cost of trace logging (no gaps then). */
const TF_LOG = argValue('--tf-log') ?? 'trace';

interface Side {
  name: string;
  type: string;
  workdir?: TerraformWorkdir;
  samples: Record<Measure, number[]>;
}
type Measure = 'plan' | 'cpu' | 'handshake' | 'firstRpc' | 'firstReceived' | 'laterReceived' | 'closeToExit';
type LogMeasure = Exclude<Measure, 'plan' | 'cpu'>;

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})[^ ]* \[(\w+)\] (.*)$/;

/**
 * Per-process gaps from one plan's trace log (the CLI starts the providers one after another
 * here). "RPC sent → received" pairs the CLI's line for a call with the provider's own
 * "Received request" line, whose `timestamp=` field is the provider's clock (the same machine).
 */
function gaps(log: string, type: string): Record<LogMeasure, number[]> {
  const out: Record<LogMeasure, number[]> = { handshake: [], firstRpc: [], firstReceived: [], laterReceived: [], closeToExit: [] };
  let started: number | undefined;
  let handshake: number | undefined;
  let close: number | undefined;
  let received = 0;
  const sent = new Map<string, number>();
  for (const raw of log.split('\n')) {
    const match = LINE.exec(raw);
    if (!match) continue;
    const at = Date.parse(`${match[1]}Z`);
    const text = (match[3] ?? '').trim();
    const rpc = /^GRPCProvider\.v6: (\w+)$/.exec(text)?.[1];
    if (text.startsWith('provider: starting plugin:') && text.includes(`terraform-provider-${type}_`)) {
      started = at;
      handshake = undefined;
      received = 0;
      sent.clear();
    } else if (started !== undefined && handshake === undefined && text.startsWith('provider: using plugin:')) {
      handshake = at;
      out.handshake.push(at - started);
    } else if (rpc === 'Close' && handshake !== undefined) close = at;
    else if (rpc && handshake !== undefined) {
      if (sent.size === 0 && received === 0) out.firstRpc.push(at - handshake);
      sent.set(rpc, at);
    } else if (text.includes('Received request:') && text.includes(`terraform-provider-${type}_`)) {
      const name = /tf_rpc=(\w+)/.exec(text)?.[1];
      const stamp = /timestamp=(\S+)/.exec(text)?.[1];
      const sentAt = name ? sent.get(name) : undefined;
      if (name && stamp && sentAt !== undefined) {
        (received === 0 ? out.firstReceived : out.laterReceived).push(Date.parse(stamp) - sentAt);
        received += 1;
        sent.delete(name);
      }
    } else if (close !== undefined && text.startsWith('provider: plugin process exited:') && text.includes(`terraform-provider-${type}_`)) {
      out.closeToExit.push(at - close);
      close = undefined;
      started = undefined;
    }
  }
  return out;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tessera-trace-latency-'));
  const load: number[] = [loadavg()[0] ?? 0];
  try {
    const mirror = join(work, 'mirror');
    const cpuDir = join(work, 'cpu');
    mkdirSync(cpuDir, { recursive: true });
    const packageDir = (type: string): string => join(mirror, 'registry.terraform.io', 'peers', type, VERSION, currentPlatform());
    const sides: Side[] = [];
    const empty = (): Side['samples'] => ({
      plan: [],
      cpu: [],
      handshake: [],
      firstRpc: [],
      firstReceived: [],
      laterReceived: [],
      closeToExit: [],
    });

    const built = buildGoYardstick(join(work, 'go'));
    if (built.ok) {
      mkdirSync(packageDir('goprov'), { recursive: true });
      copyFileSync(built.executable, join(packageDir('goprov'), `terraform-provider-goprov_v${VERSION}`));
      chmodSync(join(packageDir('goprov'), `terraform-provider-goprov_v${VERSION}`), 0o755);
      sides.push({ name: 'go', type: 'goprov', samples: empty() });
    } else process.stdout.write(`Go yardstick SKIPPED: ${built.reason}\n`);

    const trees: Array<[string, string]> = [['this checkout', REPO]];
    if (BASELINE) trees.push(['baseline', resolve(BASELINE)]);
    for (const [index, [name, tree]] of trees.entries()) {
      const type = `tsprov${index}`;
      const bundle = await bundleProvider({ entry: join(tree, 'bench/yardstick/peer-main.ts'), outDir: join(work, `bundle-${index}`) });
      await writeMirrorPackage({
        mirrorDir: mirror,
        hostnames: ['registry.terraform.io'],
        namespace: 'peers',
        type,
        version: VERSION,
        bundlePath: bundle.bundlePath,
      });
      sides.push({ name, type, samples: empty() });
    }
    // Every provider runs under GNU time, which appends its CPU seconds to a file per side.
    for (const side of sides)
      meterWithGnuTime(join(packageDir(side.type), `terraform-provider-${side.type}_v${VERSION}`), join(cpuDir, side.type));

    const env: Record<string, string> = { [CODE_CACHE_DIR_ENV]: join(work, 'code-cache'), ...(TF_LOG === 'off' ? {} : { TF_LOG }) };
    if (process.env.TF_PROVIDER_NODE) env.TF_PROVIDER_NODE = process.env.TF_PROVIDER_NODE;
    const sources = sides.map((s) => `registry.terraform.io/peers/${s.type}`);
    for (const side of sides) {
      side.workdir = await createTerraformWorkdir({
        mirrorDir: mirror,
        providerSources: sources,
        files: {
          'main.tf': `terraform {\n  required_providers {\n    peer = { source = "peers/${side.type}" }\n  }\n}\nresource "peer_thing" "t" {\n  name = "thing"\n}\n`,
        },
        env,
        parentDir: work,
      });
      await side.workdir.runOk(['init'], { timeoutMs: 300_000 });
      await side.workdir.runOk(['plan']); // warm-up: code cache, page cache
      readRusage(join(cpuDir, side.type));
    }

    for (let run = 1; run <= RUNS; run += 1) {
      const order = run % 2 ? sides : [...sides].reverse();
      for (const side of order) {
        const started = process.hrtime.bigint();
        const result = await side.workdir!.runOk(['plan']);
        side.samples.plan.push(Number(process.hrtime.bigint() - started) / 1e6);
        side.samples.cpu.push(readRusage(join(cpuDir, side.type)).cpuSeconds * 1000);
        if (process.env.BENCH_TRACE_DUMP) writeFileSync(join(process.env.BENCH_TRACE_DUMP, `${side.type}-${run}.log`), result.stderr);
        const found = gaps(result.stderr, side.type);
        for (const [key, values] of Object.entries(found) as Array<[LogMeasure, number[]]>) side.samples[key].push(...values);
      }
      load.push(loadavg()[0] ?? 0);
    }

    const rows: Array<[Measure, string]> = [
      ['plan', 'plan wall time (ms)'],
      ['cpu', 'provider CPU per plan (ms)'],
      ['handshake', 'exec → handshake read (ms, per process)'],
      ['firstRpc', 'handshake → first RPC sent (ms, per process)'],
      ['firstReceived', "first RPC sent → provider's handler runs (ms)"],
      ['laterReceived', "later RPCs: sent → provider's handler runs (ms)"],
      ['closeToExit', 'Close → process exited (ms, per process)'],
    ];
    const out = [
      '',
      `terraform plan of 1 resource, TF_LOG=${TF_LOG}, ${RUNS} interleaved runs per side; median (min–max), samples in brackets.`,
      `provider node: ${env.TF_PROVIDER_NODE ?? 'node on PATH'}; load average (1 min) ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}.`,
      '',
      `| measure | ${sides.map((s) => s.name).join(' | ')} |`,
      `|---|${sides.map(() => '---').join('|')}|`,
    ];
    for (const [key, label] of rows) {
      const cells = sides.map((s) => {
        const v = s.samples[key];
        if (v.length === 0) return 'n/a';
        return `${median(v).toFixed(key === 'plan' ? 0 : 1)} (${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)}) [${v.length}]`;
      });
      out.push(`| ${label} | ${cells.join(' | ')} |`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
    for (const side of sides) side.workdir?.cleanup();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((failure: unknown) => {
  process.stderr.write(`trace latency bench failed: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}\n`);
  process.exit(1);
});
