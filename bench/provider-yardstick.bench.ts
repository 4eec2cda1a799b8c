/**
 * Our protocol layer against a Go provider, side by side: the Go yardstick (bench/yardstick/go:
 * hashicorp/go-plugin with gRPC and AutoMTLS, no framework) and the same trivial resource
 * `peer_thing` written on provider/protocol (bench/yardstick/peer-provider.ts), bundled and
 * installed the way every provider here is (esbuild bundle, V8 code cache, `sh` launcher that
 * execs node). Both come from one filesystem mirror; every terraform run has its own CLI config
 * (TF_CLI_CONFIG_FILE) and CHECKPOINT_DISABLE=1.
 *
 * Measured, interleaved round by round so machine load hits both sides alike:
 *   - exec → handshake line (the environment go-plugin sets, client certificate → TLS on),
 *     with `node -e` printing one line as Node's own floor;
 *   - `terraform plan` of 1 resource; `apply` and `destroy` of 100 at -parallelism=10;
 *   - provider CPU (user + system) per plan, summed over the provider processes the plan
 *     starts, and the largest peak RSS among them: a second, metered mirror wraps each
 *     executable in GNU time, which reports the rusage of the process it waits for;
 *   - the same for a `node -e` that exits at once, started as often as the plan starts
 *     providers: what any Node provider pays before its first line of code.
 *
 * Where Go cannot be built (bench/yardstick/go/build.sh installs it from Debian packages), the Go
 * rows are skipped with the reason and the TypeScript side is still measured.
 * Usage: tsx bench/provider-yardstick.bench.ts [--rounds N]   (or BENCH_YARDSTICK_ROUNDS)
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleProvider, createServerCertificate, currentPlatform, writeMirrorPackage } from '../provider/protocol';
import { CODE_CACHE_DIR_ENV } from '../provider/protocol/packaging/loader';
import { goPluginEnv } from '../test/protocol/support/plugin-process';
import { createTerraformWorkdir, type TerraformWorkdir } from '../test/support/terraform';
import { median } from './support';

const REPO = resolve(__dirname, '..');
const NAMESPACE = 'peers';
const VERSION = '0.1.0';
const COUNT = 100;
const PARALLELISM = 10;
const GNU_TIME = '/usr/bin/time';
const argRounds = process.argv.indexOf('--rounds');
const ROUNDS = Number(argRounds > 0 ? process.argv[argRounds + 1] : (process.env.BENCH_YARDSTICK_ROUNDS ?? 5));
/** exec → handshake samples per side per round. */
const STARTS_PER_ROUND = 6;

type Side = 'go' | 'ts';
const TYPE: Record<Side, string> = { go: 'goprov', ts: 'tsprov' };

interface Samples {
  handshake: number[];
  plan: number[];
  apply: number[];
  destroy: number[];
  cpu: number[];
  rss: number[];
  processes: number[];
}

const emptySamples = (): Samples => ({ handshake: [], plan: [], apply: [], destroy: [], cpu: [], rss: [], processes: [] });

function config(type: string, count: number): string {
  return [
    'terraform {',
    '  required_providers {',
    `    peer = { source = "${NAMESPACE}/${type}" }`,
    '  }',
    '}',
    'resource "peer_thing" "t" {',
    `  count = ${count}`,
    '  name  = "thing-${count.index}"',
    '}',
    '',
  ].join('\n');
}

function buildGo(outDir: string): { ok: true; executable: string } | { ok: false; reason: string } {
  const result = spawnSync(
    'bash',
    [join(REPO, 'bench/yardstick/go/build.sh'), outDir, join(REPO, 'provider/protocol/proto/tfplugin6.proto')],
    {
      encoding: 'utf8',
      cwd: REPO,
    },
  );
  const executable = join(outDir, `terraform-provider-goprov_v${VERSION}`);
  if (result.status === 0 && existsSync(executable)) return { ok: true, executable };
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-3).join(' / ');
  return { ok: false, reason: result.error?.message ?? (output || `build.sh exited with ${result.status}`) };
}

function packageDir(mirror: string, type: string): string {
  return join(mirror, 'registry.terraform.io', NAMESPACE, type, VERSION, currentPlatform());
}

/** Replaces each provider executable with a `sh` script that runs it under GNU time. */
function meter(mirror: string, types: string[], logDir: string): void {
  for (const type of types) {
    const executable = join(packageDir(mirror, type), `terraform-provider-${type}_v${VERSION}`);
    copyFileSync(executable, `${executable}.real`);
    chmodSync(`${executable}.real`, 0o755);
    // exec: the CLI's signals reach GNU time, which waits for the provider and appends its rusage.
    writeFileSync(executable, `#!/bin/sh\nexec ${GNU_TIME} -a -o '${join(logDir, type)}' -f '%U %S %M' "$0.real" "$@"\n`, { mode: 0o755 });
  }
}

interface Rusage {
  cpuSeconds: number;
  maxRssKiB: number;
  processes: number;
}

function readRusage(file: string): Rusage {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  rmSync(file, { force: true });
  let cpuSeconds = 0;
  let maxRssKiB = 0;
  let processes = 0;
  for (const line of lines) {
    const match = /^([\d.]+) ([\d.]+) (\d+)$/.exec(line.trim());
    if (!match) continue; // GNU time also notes a signal ("Command terminated by signal 9")
    cpuSeconds += Number(match[1]) + Number(match[2]);
    maxRssKiB = Math.max(maxRssKiB, Number(match[3]));
    processes += 1;
  }
  return { cpuSeconds, maxRssKiB, processes };
}

function timeToFirstLine(command: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let seen = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (seen || !chunk.includes(0x0a)) return;
      seen = true;
      resolvePromise(Number(process.hrtime.bigint() - started) / 1e6);
      child.kill('SIGKILL');
      // A killed provider cannot remove its unix socket; do it for it.
      const [, , network, address] = chunk.toString('utf8').split('\n')[0]?.split('|') ?? [];
      if (network === 'unix' && address) child.on('exit', () => rmSync(address, { force: true }));
    });
    child.on('exit', (code) => {
      if (!seen) reject(new Error(`${command} exited with ${code} before printing a line`));
    });
  });
}

async function timed(workdir: TerraformWorkdir, args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  await workdir.runOk(args, { timeoutMs: 600_000 });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function spread(values: number[], digits: number): string {
  const s = sorted(values);
  return `${(s[0] ?? NaN).toFixed(digits)} / ${median(values).toFixed(digits)} / ${(s[s.length - 1] ?? NaN).toFixed(digits)}`;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tessera-yardstick-'));
  const load = [loadavg()[0] ?? 0];
  try {
    const mirror = join(work, 'mirror');
    const metered = join(work, 'metered');
    const rusageDir = join(work, 'rusage');
    mkdirSync(rusageDir, { recursive: true });

    const go = buildGo(join(work, 'go'));
    if (!go.ok)
      process.stdout.write(`Go yardstick SKIPPED (cannot build it here): ${go.reason}\nOnly the TypeScript side is measured.\n\n`);
    const bundle = await bundleProvider({ entry: join(REPO, 'bench/yardstick/peer-main.ts'), outDir: join(work, 'ts-bundle') });
    const sides: Side[] = go.ok ? ['go', 'ts'] : ['ts'];
    for (const root of [mirror, metered]) {
      await writeMirrorPackage({
        mirrorDir: root,
        hostnames: ['registry.terraform.io'],
        namespace: NAMESPACE,
        type: TYPE.ts,
        version: VERSION,
        bundlePath: bundle.bundlePath,
      });
      if (go.ok) {
        mkdirSync(packageDir(root, TYPE.go), { recursive: true });
        copyFileSync(go.executable, join(packageDir(root, TYPE.go), `terraform-provider-${TYPE.go}_v${VERSION}`));
        chmodSync(join(packageDir(root, TYPE.go), `terraform-provider-${TYPE.go}_v${VERSION}`), 0o755);
      }
    }
    const canMeter = existsSync(GNU_TIME);
    if (canMeter)
      meter(
        metered,
        sides.map((s) => TYPE[s]),
        rusageDir,
      );
    else process.stdout.write(`${GNU_TIME} (Debian package "time") is missing: provider CPU and peak RSS are not measured.\n`);

    // The code cache lives in this run's own directory: the first start of the bundle writes it.
    const env = { [CODE_CACHE_DIR_ENV]: join(work, 'code-cache') };
    const sources = sides.map((s) => `registry.terraform.io/${NAMESPACE}/${TYPE[s]}`);
    const workdirs = {} as Record<Side, { one: TerraformWorkdir; hundred: TerraformWorkdir; meteredOne: TerraformWorkdir }>;
    for (const side of sides) {
      const make = (root: string, count: number): Promise<TerraformWorkdir> =>
        createTerraformWorkdir({
          mirrorDir: root,
          providerSources: sources,
          files: { 'main.tf': config(TYPE[side], count) },
          env,
          parentDir: work,
        });
      workdirs[side] = { one: await make(mirror, 1), hundred: await make(mirror, COUNT), meteredOne: await make(metered, 1) };
      for (const w of Object.values(workdirs[side])) await w.runOk(['init'], { timeoutMs: 300_000 });
      // Warm-up: the code cache, the page cache, terraform's own first run.
      await workdirs[side].one.runOk(['plan']);
      await workdirs[side].meteredOne.runOk(['plan']);
      rmSync(join(rusageDir, TYPE[side]), { force: true });
    }

    const certificate = createServerCertificate().certificatePem;
    const launchEnv = goPluginEnv({ PLUGIN_CLIENT_CERT: certificate, TMPDIR: tmpdir(), ...env });
    const executable = (side: Side): string => join(packageDir(mirror, TYPE[side]), `terraform-provider-${TYPE[side]}_v${VERSION}`);
    const samples: Record<Side | 'node', Samples> = { go: emptySamples(), ts: emptySamples(), node: emptySamples() };
    const nodeFloor = ['-e', 'process.stdout.write("1|6|x\\n")'];
    const apply = ['apply', '-auto-approve', `-parallelism=${PARALLELISM}`];
    const destroy = ['destroy', '-auto-approve', `-parallelism=${PARALLELISM}`];

    for (let round = 1; round <= ROUNDS; round += 1) {
      // Alternate who goes first so neither side always runs on a warmer machine.
      const order = round % 2 ? sides : [...sides].reverse();
      for (let i = 0; i < STARTS_PER_ROUND; i += 1) {
        samples.node.handshake.push(await timeToFirstLine(process.execPath, nodeFloor, launchEnv));
        for (const side of order) samples[side].handshake.push(await timeToFirstLine(executable(side), [], launchEnv));
      }
      for (const side of order) {
        const w = workdirs[side];
        samples[side].plan.push(await timed(w.one, ['plan']));
        samples[side].apply.push(await timed(w.hundred, apply));
        samples[side].destroy.push(await timed(w.hundred, destroy));
        if (canMeter) {
          await w.meteredOne.runOk(['plan']);
          const usage = readRusage(join(rusageDir, TYPE[side]));
          samples[side].cpu.push(usage.cpuSeconds);
          samples[side].rss.push(usage.maxRssKiB / 1024);
          samples[side].processes.push(usage.processes);
        }
      }
      if (canMeter) {
        // Node's floor: as many `node -e 0` processes as the TypeScript plan started.
        const starts = samples.ts.processes[samples.ts.processes.length - 1] ?? 3;
        const log = join(rusageDir, 'node');
        for (let i = 0; i < starts; i += 1) spawnSync(GNU_TIME, ['-a', '-o', log, '-f', '%U %S %M', process.execPath, '-e', '0']);
        const usage = readRusage(log);
        samples.node.cpu.push(usage.cpuSeconds);
        samples.node.rss.push(usage.maxRssKiB / 1024);
      }
      load.push(loadavg()[0] ?? 0);
      process.stdout.write(
        `round ${round}/${ROUNDS}: ` +
          order
            .map(
              (s) =>
                `${s} plan ${((samples[s].plan.at(-1) ?? 0) / 1000).toFixed(2)} s apply ${((samples[s].apply.at(-1) ?? 0) / 1000).toFixed(2)} s`,
            )
            .join(', ') +
          ` (load ${load[load.length - 1]?.toFixed(1)})\n`,
      );
    }

    const rows: Array<{ measure: string; key: keyof Samples; scale: number; unit: string; digits: number; goal: number; floor?: boolean }> =
      [
        { measure: 'exec → handshake', key: 'handshake', scale: 1, unit: 'ms', digits: 0, goal: 2, floor: true },
        { measure: 'plan, 1 resource', key: 'plan', scale: 1 / 1000, unit: 's', digits: 2, goal: 1.5 },
        { measure: `apply ${COUNT} (parallelism ${PARALLELISM})`, key: 'apply', scale: 1 / 1000, unit: 's', digits: 2, goal: 1.5 },
        { measure: `destroy ${COUNT} (parallelism ${PARALLELISM})`, key: 'destroy', scale: 1 / 1000, unit: 's', digits: 2, goal: 1.5 },
        { measure: 'provider CPU per plan', key: 'cpu', scale: 1, unit: 's', digits: 3, goal: 2, floor: true },
        { measure: 'peak RSS', key: 'rss', scale: 1, unit: 'MiB', digits: 1, goal: 2.5, floor: true },
      ];
    const out: string[] = [
      '',
      `Go yardstick vs the same resource on provider/protocol (Node ${process.version}), ${ROUNDS} interleaved rounds` +
        ` (${STARTS_PER_ROUND} starts per round for the handshake); min / median / max; ratio = TypeScript median / Go median.`,
      `"node floor": \`node -e\` alone (handshake: printing one line; CPU and RSS: as many processes as the plan started).`,
      `load average (1 min) during the run: ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} on ${availableParallelism()} cores shared with other work; ` +
        'absolute figures are noisy, the ratios are what the goals are about.',
      '',
      `| measure | Go | TypeScript | ratio | goal | node floor (ratio to Go) |`,
      `|---|---|---|---|---|---|`,
    ];
    for (const row of rows) {
      const ts = samples.ts[row.key].map((v) => v * row.scale);
      if (ts.length === 0) continue;
      const goValues = samples.go[row.key].map((v) => v * row.scale);
      const nodeValues = samples.node[row.key].map((v) => v * row.scale);
      const ratio = goValues.length ? median(ts) / median(goValues) : NaN;
      const verdict = Number.isNaN(ratio) ? 'n/a' : `≤ ${row.goal}× ${ratio <= row.goal ? 'MET' : 'NOT MET'}`;
      const floor =
        row.floor && nodeValues.length
          ? `${median(nodeValues).toFixed(row.digits)} ${row.unit}${goValues.length ? ` (${(median(nodeValues) / median(goValues)).toFixed(2)}×)` : ''}`
          : '';
      out.push(
        `| ${row.measure} | ${goValues.length ? `${spread(goValues, row.digits)} ${row.unit}` : 'skipped'} | ${spread(ts, row.digits)} ${row.unit} | ` +
          `${Number.isNaN(ratio) ? 'n/a' : `**${ratio.toFixed(2)}×**`} | ${verdict} | ${floor} |`,
      );
    }
    if (samples.ts.processes.length)
      out.push('', `provider processes per plan: Go ${median(samples.go.processes)}, TypeScript ${median(samples.ts.processes)}`);
    process.stdout.write(`${out.join('\n')}\n`);
    for (const side of sides) for (const w of Object.values(workdirs[side])) w.cleanup();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((failure: unknown) => {
  process.stderr.write(
    `provider yardstick bench failed: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}\n`,
  );
  process.exit(1);
});
