/**
 * Our protocol layer against a Go provider, side by side: the Go yardstick (bench/yardstick/go:
 * hashicorp/go-plugin with gRPC and AutoMTLS, no framework) and the same trivial resource
 * `peer_thing` written on provider/protocol (bench/yardstick/peer-provider.ts), packaged both ways
 * a provider here ships: the self-contained release executable (Node single executable, built
 * exactly as `npm run provider:release` builds the linux_amd64 one, on the release's pinned Node)
 * and the bundled-JS package whose `sh` launcher execs the `node` on the PATH (a source
 * checkout's `npm run provider:install`). Both use the V8 code cache kept at run time. All come
 * from one filesystem mirror; every terraform run has its own CLI config (TF_CLI_CONFIG_FILE)
 * and CHECKPOINT_DISABLE=1.
 *
 * Measured, interleaved round by round so machine load hits both sides alike:
 *   - exec → handshake line (the environment go-plugin sets, client certificate → TLS on),
 *     with `node -e` printing one line as Node's own floor;
 *   - `terraform plan` of 1 resource; `apply` and `destroy` of 100 at -parallelism=10;
 *   - provider CPU (user + system) per plan, summed over the provider processes the plan
 *     starts, and the largest peak RSS among them: a second, metered mirror wraps each
 *     executable in GNU time, which reports the rusage of the process it waits for;
 *   - the same for a `node -e` that exits at once, started as often as the plan starts
 *     providers: what any Node provider pays before its first line of code (for the release's
 *     Node and for the PATH's);
 *   - `apply` of 100 `terraform_data` (built into Terraform, no plugin process): what any
 *     plugin provider, Go's included, adds to an apply is the Go row minus this one.
 *
 * Beside them, in every row, the Node floor provider (bench/yardstick/floor-main.ts): built and
 * packaged like the release executable, it only starts, speaks TLS, HTTP/2 and gRPC, and answers
 * each call with the bytes the peer provider answered (recorded from the launcher package's runs of
 * the same plan, apply and destroy before the rounds start). Terraform does the same work against
 * it, so the distance from the floor to the peer is what the protocol layer's own code costs, and
 * the floor's distance to Go is what Node costs before any of it.
 *
 * Where Go cannot be built (bench/yardstick/go/build.sh installs it from Debian packages), the Go
 * rows are skipped with the reason and the TypeScript side is still measured.
 * Usage: tsx bench/provider-yardstick.bench.ts [--rounds N]   (or BENCH_YARDSTICK_ROUNDS)
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { bundleProvider, createServerCertificate, currentPlatform, writeMirrorPackage } from '../provider/protocol';
import { BUNDLE_FILE, CODE_CACHE_DIR_ENV } from '../provider/protocol/packaging/loader';
import { goPluginEnv } from '../test/protocol/support/plugin-process';
import { createTerraformWorkdir, type TerraformWorkdir } from '../test/support/terraform';
import { buildGoYardstick, bunExecutable, GNU_TIME, meterWithGnuTime, median, readRusage, releaseExecutable } from './support';
import { RECORD_FILE_ENV, REPLAY_FILE_ENV } from './yardstick/replay';

const REPO = resolve(__dirname, '..');
const NAMESPACE = 'peers';
const VERSION = '0.1.0';
const COUNT = 100;
const PARALLELISM = 10;
const argRounds = process.argv.indexOf('--rounds');
const ROUNDS = Number(argRounds > 0 ? process.argv[argRounds + 1] : (process.env.BENCH_YARDSTICK_ROUNDS ?? 5));
/** exec → handshake samples per side per round. */
const STARTS_PER_ROUND = 6;

/**
 * go: the Go yardstick; sea: our release executable; ts: our bundled-JS package on the PATH's
 * node; floor: the Node floor provider (bench/yardstick/floor-main.ts) as a release executable,
 * replaying the peer provider's recorded answers.
 */
type Side = 'go' | 'sea' | 'ts' | 'floor' | 'bun' | 'bunfloor';
const TYPE: Record<Side, string> = {
  go: 'goprov',
  sea: 'seaprov',
  ts: 'tsprov',
  floor: 'floorprov',
  bun: 'bunprov',
  bunfloor: 'bunfloorprov',
};

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

function dataConfig(count: number): string {
  return ['resource "terraform_data" "t" {', `  count = ${count}`, '  input = "thing-${count.index}"', '}', ''].join('\n');
}

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

function packageDir(mirror: string, type: string): string {
  return join(mirror, 'registry.terraform.io', NAMESPACE, type, VERSION, currentPlatform());
}

/** Replaces each provider executable with a `sh` script that runs it under GNU time. */
function meter(mirror: string, types: string[], logDir: string): void {
  for (const type of types) meterWithGnuTime(join(packageDir(mirror, type), `terraform-provider-${type}_v${VERSION}`), join(logDir, type));
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

    const go = buildGoYardstick(join(work, 'go'));
    if (!go.ok)
      process.stdout.write(`Go yardstick SKIPPED (cannot build it here): ${go.reason}\nOnly the TypeScript side is measured.\n\n`);
    const bundle = await bundleProvider({ entry: join(REPO, 'bench/yardstick/peer-main.ts'), outDir: join(work, 'ts-bundle') });
    // The release executable is built for linux_amd64 only; elsewhere the launcher package stands alone.
    const sea =
      currentPlatform() === 'linux_amd64'
        ? await releaseExecutable(join(dirname(bundle.bundlePath), BUNDLE_FILE), join(work, 'sea-provider'))
        : undefined;
    if (!sea) process.stdout.write(`release executable SKIPPED: it is built for linux_amd64 and this is ${currentPlatform()}\n`);
    const floorBundle = await bundleProvider({ entry: join(REPO, 'bench/yardstick/floor-main.ts'), outDir: join(work, 'floor-bundle') });
    const floor = sea
      ? await releaseExecutable(join(dirname(floorBundle.bundlePath), BUNDLE_FILE), join(work, 'floor-provider'))
      : undefined;
    // The same two bundles as Bun single executables: the other runtime npm ships.
    let bun: { peer: Awaited<ReturnType<typeof bunExecutable>>; floor: Awaited<ReturnType<typeof bunExecutable>> } | undefined;
    if (sea) {
      try {
        bun = {
          peer: await bunExecutable(join(dirname(bundle.bundlePath), BUNDLE_FILE), join(work, 'bun-provider')),
          floor: await bunExecutable(join(dirname(floorBundle.bundlePath), BUNDLE_FILE), join(work, 'bun-floor-provider')),
        };
      } catch (failure) {
        process.stdout.write(`Bun rows SKIPPED: ${failure instanceof Error ? failure.message : String(failure)}\n`);
      }
    }
    const sides: Side[] = [
      ...(go.ok ? (['go'] as const) : []),
      ...(sea ? (['sea', 'floor'] as const) : []),
      ...(bun ? (['bun', 'bunfloor'] as const) : []),
      'ts',
    ];
    const binaries: Partial<Record<Side, string>> = {
      go: go.ok ? go.executable : undefined,
      sea: sea?.executable,
      floor: floor?.executable,
      bun: bun?.peer.executable,
      bunfloor: bun?.floor.executable,
    };
    for (const root of [mirror, metered]) {
      await writeMirrorPackage({
        mirrorDir: root,
        hostnames: ['registry.terraform.io'],
        namespace: NAMESPACE,
        type: TYPE.ts,
        version: VERSION,
        bundlePath: bundle.bundlePath,
      });
      for (const side of ['go', 'sea', 'floor', 'bun', 'bunfloor'] as const) {
        const binary = binaries[side];
        if (!binary) continue;
        const target = join(packageDir(root, TYPE[side]), `terraform-provider-${TYPE[side]}_v${VERSION}`);
        mkdirSync(packageDir(root, TYPE[side]), { recursive: true });
        copyFileSync(binary, target);
        chmodSync(target, 0o755);
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
    // The floor provider reads its answers from the replay file (every side gets the variable).
    const replayFile = join(work, 'replay.jsonl');
    const env = { [CODE_CACHE_DIR_ENV]: join(work, 'code-cache'), [REPLAY_FILE_ENV]: replayFile };
    const apply = ['apply', '-auto-approve', `-parallelism=${PARALLELISM}`];
    const destroy = ['destroy', '-auto-approve', `-parallelism=${PARALLELISM}`];
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
    }
    // The floor's answers: every call of the runs it will serve, recorded from the peer provider.
    const record = { [RECORD_FILE_ENV]: replayFile };
    await workdirs.ts.one.runOk(['plan'], { env: record });
    await workdirs.ts.hundred.runOk(apply, { env: record, timeoutMs: 600_000 });
    await workdirs.ts.hundred.runOk(destroy, { env: record, timeoutMs: 600_000 });
    for (const side of sides) {
      // Warm-up: the code cache, the page cache, terraform's own first run.
      await workdirs[side].one.runOk(['plan']);
      await workdirs[side].meteredOne.runOk(['plan']);
      rmSync(join(rusageDir, TYPE[side]), { force: true });
    }

    // terraform_data needs no provider package: a workdir with an empty mirror.
    const dataWorkdir = await createTerraformWorkdir({
      mirrorDir: join(work, 'empty-mirror'),
      providerSources: [],
      files: { 'main.tf': dataConfig(COUNT) },
      env,
      parentDir: work,
    });
    await dataWorkdir.runOk(['init'], { timeoutMs: 300_000 });

    const certificate = createServerCertificate().certificatePem;
    const launchEnv = goPluginEnv({ PLUGIN_CLIENT_CERT: certificate, TMPDIR: tmpdir(), ...env });
    const executable = (side: Side): string => join(packageDir(mirror, TYPE[side]), `terraform-provider-${TYPE[side]}_v${VERSION}`);
    type Floor = 'node' | 'seaNode';
    const samples: Record<Side | Floor, Samples> = {
      go: emptySamples(),
      sea: emptySamples(),
      ts: emptySamples(),
      floor: emptySamples(),
      bun: emptySamples(),
      bunfloor: emptySamples(),
      node: emptySamples(),
      seaNode: emptySamples(),
    };
    const dataApply: number[] = [];
    const floors: Array<{ floor: Floor; node: string }> = [
      { floor: 'node', node: process.execPath },
      ...(sea ? [{ floor: 'seaNode' as const, node: sea.node }] : []),
    ];
    const nodeFloor = ['-e', 'process.stdout.write("1|6|x\\n")'];

    for (let round = 1; round <= ROUNDS; round += 1) {
      // Alternate who goes first so no side always runs on a warmer machine.
      const order = round % 2 ? sides : [...sides].reverse();
      for (let i = 0; i < STARTS_PER_ROUND; i += 1) {
        for (const { floor, node } of floors) samples[floor].handshake.push(await timeToFirstLine(node, nodeFloor, launchEnv));
        for (const side of order) samples[side].handshake.push(await timeToFirstLine(executable(side), [], launchEnv));
      }
      dataApply.push(await timed(dataWorkdir, apply));
      await dataWorkdir.runOk(destroy, { timeoutMs: 600_000 });
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
        for (const { floor, node } of floors) {
          const log = join(rusageDir, floor);
          // The environment a provider gets, not this shell's: NODE_EXTRA_CA_CERTS, for one, makes
          // Node 20 parse a CA bundle at start and would inflate the floor several times over.
          for (let i = 0; i < starts; i += 1) spawnSync(GNU_TIME, ['-a', '-o', log, '-f', '%U %S %M', node, '-e', '0'], { env: launchEnv });
          const usage = readRusage(log);
          samples[floor].cpu.push(usage.cpuSeconds);
          samples[floor].rss.push(usage.maxRssKiB / 1024);
        }
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
          `, terraform_data apply ${((dataApply.at(-1) ?? 0) / 1000).toFixed(2)} s (load ${load[load.length - 1]?.toFixed(1)})\n`,
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
    const seaName = sea ? `release executable (Node v${sea.version})` : 'release executable (skipped)';
    const bunName = bun ? `Bun v${bun.peer.version} executable` : 'Bun executable (skipped)';
    const out: string[] = [
      '',
      `Go yardstick vs the same resource on provider/protocol, ${ROUNDS} interleaved rounds` +
        ` (${STARTS_PER_ROUND} starts per round for the handshake); min / median / max; ratio = median / Go median.`,
      `The goal is judged on the ${seaName}, what a release installs; the launcher package runs the PATH's Node ${process.version}.`,
      '"Node floor provider": bench/yardstick/floor-main.ts on the release\'s Node, packaged like the release executable: TLS, HTTP/2, gRPC and the handshake, ' +
        "answering each call with the peer provider's recorded bytes (no protobuf, cty or provider code): no Node provider can cost less.",
      '"Bun": the same two bundles made into Bun single executables (`bun build --compile --bytecode`), the runtime the goal is not judged on: ' +
        (bun
          ? `its zip would be ${(bun.peer.zipBytes / 1e6).toFixed(1)} MB (the release budget is 45 MB; the Node one is about 43 MB).`
          : 'skipped.'),
      `"node -e": \`node -e\` alone (handshake: printing one line; CPU and RSS: as many processes as the plan started), for the release's Node and the PATH's.`,
      `load average (1 min) during the run: ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} on ${availableParallelism()} cores shared with other work; ` +
        'absolute figures are noisy, the ratios are what the goals are about.',
      '',
      `| measure | Go | ${seaName} | ratio | goal | Node floor provider (replay) | ratio | ${bunName} | ratio | Bun floor provider | ratio | launcher (Node ${process.version}) | ratio | node -e: release / PATH (ratio to Go) |`,
      `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
    ];
    const goMedian = (key: keyof Samples, scale: number): number =>
      samples.go[key].length ? median(samples.go[key].map((v) => v * scale)) : NaN;
    const cell = (values: number[], digits: number, unit: string): string =>
      values.length ? `${spread(values, digits)} ${unit}` : 'skipped';
    const ratioCell = (values: number[], base: number): string =>
      values.length && !Number.isNaN(base) ? `**${(median(values) / base).toFixed(2)}×**` : 'n/a';
    for (const row of rows) {
      const goValues = samples.go[row.key].map((v) => v * row.scale);
      const base = goMedian(row.key, row.scale);
      const seaValues = samples.sea[row.key].map((v) => v * row.scale);
      const tsValues = samples.ts[row.key].map((v) => v * row.scale);
      const floorValues = samples.floor[row.key].map((v) => v * row.scale);
      const bunValues = samples.bun[row.key].map((v) => v * row.scale);
      const bunFloorValues = samples.bunfloor[row.key].map((v) => v * row.scale);
      const judged = seaValues.length ? seaValues : tsValues;
      const ratio = median(judged) / base;
      const verdict = Number.isNaN(ratio) ? 'n/a' : `≤ ${row.goal}× ${ratio <= row.goal ? 'MET' : 'NOT MET'}`;
      const floorOf = (floor: Floor): string => {
        const values = samples[floor][row.key].map((v) => v * row.scale);
        if (!values.length) return '–';
        return `${median(values).toFixed(row.digits)} ${row.unit}${Number.isNaN(base) ? '' : ` (${(median(values) / base).toFixed(2)}×)`}`;
      };
      out.push(
        `| ${row.measure} | ${cell(goValues, row.digits, row.unit)} | ${cell(seaValues, row.digits, row.unit)} | ${ratioCell(seaValues, base)} | ${verdict} | ` +
          `${cell(floorValues, row.digits, row.unit)} | ${ratioCell(floorValues, base)} | ` +
          `${cell(bunValues, row.digits, row.unit)} | ${ratioCell(bunValues, base)} | ${cell(bunFloorValues, row.digits, row.unit)} | ${ratioCell(bunFloorValues, base)} | ` +
          `${cell(tsValues, row.digits, row.unit)} | ${ratioCell(tsValues, base)} | ${row.floor ? `${floorOf('seaNode')} / ${floorOf('node')}` : ''} |`,
      );
    }
    const perSide = (key: 'processes'): string => sides.map((side) => `${side} ${median(samples[side][key])}`).join(', ');
    if (samples.ts.processes.length) out.push('', `provider processes per plan: ${perSide('processes')}`);
    const goApply = goMedian('apply', 1 / 1000);
    const data = median(dataApply) / 1000;
    out.push(
      '',
      `apply of ${COUNT} terraform_data (no plugin process): ${spread(
        dataApply.map((v) => v / 1000),
        2,
      )} s.` +
        (Number.isNaN(goApply)
          ? ''
          : ` A plugin provider's own share of an apply of ${COUNT}, measured on the Go one: ${(goApply - data).toFixed(2)} s` +
            ` (Go apply ÷ terraform_data apply = ${(goApply / data).toFixed(2)}×).`),
    );
    process.stdout.write(`${out.join('\n')}\n`);
    for (const side of sides) for (const w of Object.values(workdirs[side])) w.cleanup();
    dataWorkdir.cleanup();
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
