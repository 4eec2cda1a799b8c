// npm run bench:provider (second half) — wall time of `terraform apply -parallelism=10` creating
// 100 tessera_personal_access_token resources, against the same apply of 100 terraform_data
// resources (Terraform's built-in no-op) plus the same 100 creates sent straight to the API at
// concurrency 10, on the same machine with the same API running, interleaved round by round.
// Goal: tokens ≤ 1.3 × (terraform_data + direct creates). Real parts throughout: embedded PostgreSQL, the API on a
// random port, the terraform CLI, and the provider from a filesystem mirror two ways: the release
// executable (what a release installs; the goal is judged on it) and the bundled-JS package on
// the PATH's node (a source checkout's provider:install); and, for the runtime comparison, the same bundle
// as a Bun single executable (bench/support.ts bunExecutable), which no release ships.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { currentPlatform } from '../provider/protocol';
import { BUNDLE_FILE } from '../provider/protocol/packaging/loader';
import { PROVIDER_NAMESPACE, PROVIDER_TYPE } from '../provider/tessera/version';
import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { createTerraformWorkdir, type TerraformWorkdir } from '../test/support/terraform';
import { providerMirror } from '../test/provider/provider-mirror';
import { startTestApi } from '../test/support/api-server';
import { bunExecutable, median, releaseExecutable, timedConcurrently } from './support';

const COUNT = 100;
const PARALLELISM = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GOAL = 1.3;

const TOKENS_TF = `
terraform {
  required_providers {
    tessera = { source = "tessera/tessera" }
  }
}
resource "tessera_personal_access_token" "bench" {
  count           = ${COUNT}
  name            = "bench-\${count.index}"
  expiration_days = 1
}
`;

const DATA_TF = `
resource "terraform_data" "bench" {
  count = ${COUNT}
  input = "bench-\${count.index}"
}
`;

async function timed(workdir: TerraformWorkdir, args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  await workdir.runOk(args, { timeoutMs: 600_000 });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** 100 creates with Idempotency-Key, PARALLELISM at a time, like the provider sends them. */
function createDirectly(url: string, token: string, prefix: string): Promise<number> {
  return timedConcurrently(COUNT, PARALLELISM, async (i) => {
    const response = await fetch(`${url}/api/v1/personal-access-tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
      body: JSON.stringify({ name: `${prefix}-${i}`, expiration_days: 1 }),
    });
    await response.text();
    if (response.status !== 201) throw new Error(`direct create answered ${response.status}`);
  });
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  await globalSetup();
  const api = await startTestApi();
  const workdirs: TerraformWorkdir[] = [];
  const work = mkdtempSync(join(tmpdir(), 'tessera-apply-bench-'));
  try {
    const mirror = await providerMirror();
    const env = { TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: api.adminToken };
    const launcher = await createTerraformWorkdir({
      mirrorDir: mirror.mirrorDir,
      providerSources: mirror.addresses,
      files: { 'main.tf': TOKENS_TF },
      env,
    });
    // The release executable in a mirror of its own (linux_amd64 only; elsewhere the launcher is judged).
    const address = `registry.terraform.io/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;
    const releaseMirror = join(work, 'mirror');
    const packageDir = join(releaseMirror, address, mirror.version, currentPlatform());
    let release: { workdir: TerraformWorkdir; version: string } | undefined;
    let bun: { workdir: TerraformWorkdir; version: string } | undefined;
    if (currentPlatform() === 'linux_amd64') {
      mkdirSync(packageDir, { recursive: true });
      const built = await releaseExecutable(
        join(dirname(mirror.bundlePath), BUNDLE_FILE),
        join(packageDir, `terraform-provider-${PROVIDER_TYPE}_v${mirror.version}`),
      );
      chmodSync(built.executable, 0o755);
      const workdir = await createTerraformWorkdir({
        mirrorDir: releaseMirror,
        providerSources: [address],
        files: { 'main.tf': TOKENS_TF },
        env,
      });
      release = { workdir, version: built.version };
      workdirs.push(workdir);
      await workdir.runOk(['init', '-no-color', '-input=false']);
      // The same bundle as a Bun single executable, in a mirror of its own: the runtime comparison.
      try {
        const bunPackageDir = join(work, 'bun-mirror', address, mirror.version, currentPlatform());
        mkdirSync(bunPackageDir, { recursive: true });
        const bunBuilt = await bunExecutable(
          join(dirname(mirror.bundlePath), BUNDLE_FILE),
          join(bunPackageDir, `terraform-provider-${PROVIDER_TYPE}_v${mirror.version}`),
        );
        const bunWorkdir = await createTerraformWorkdir({
          mirrorDir: join(work, 'bun-mirror'),
          providerSources: [address],
          files: { 'main.tf': TOKENS_TF },
          env,
        });
        bun = { workdir: bunWorkdir, version: bunBuilt.version };
        workdirs.push(bunWorkdir);
        await bunWorkdir.runOk(['init', '-no-color', '-input=false']);
      } catch (failure) {
        process.stdout.write(`Bun side SKIPPED: ${failure instanceof Error ? failure.message : String(failure)}\n`);
      }
    } else process.stdout.write(`release executable SKIPPED: it is built for linux_amd64 and this is ${currentPlatform()}\n`);
    const tokens = release?.workdir ?? launcher;
    const data = await createTerraformWorkdir({
      mirrorDir: mirror.mirrorDir,
      providerSources: mirror.addresses,
      files: { 'main.tf': DATA_TF },
      env,
    });
    workdirs.push(launcher, data);
    await launcher.runOk(['init', '-no-color', '-input=false']);
    await data.runOk(['init', '-no-color', '-input=false']);

    const apply = ['apply', '-auto-approve', '-no-color', '-input=false', `-parallelism=${PARALLELISM}`];
    const destroy = ['destroy', '-auto-approve', '-no-color', '-input=false', `-parallelism=${PARALLELISM}`];
    const results = {
      tokens: [] as number[],
      data: [] as number[],
      launcher: [] as number[],
      bun: [] as number[],
      tokensDestroy: [] as number[],
      dataDestroy: [] as number[],
      launcherDestroy: [] as number[],
      bunDestroy: [] as number[],
    };
    const apiOnly: number[] = [];
    const load: number[] = [loadavg()[0] ?? 0];
    for (let round = 1; round <= ROUNDS; round += 1) {
      // The floor for any client: the same creates straight against the API.
      apiOnly.push(await createDirectly(api.url, api.adminToken, `bench-direct-${round}`));
      // Alternate the order so neither side always runs on a warmer machine.
      const sides = [...(['tokens', 'data'] as const), ...(release ? (['launcher'] as const) : []), ...(bun ? (['bun'] as const) : [])];
      const order = round % 2 ? sides : [...sides].reverse();
      const workdirOf = { tokens, data, launcher, bun: bun?.workdir ?? launcher };
      for (const side of order) {
        const workdir = workdirOf[side];
        const applyMs = await timed(workdir, apply);
        const destroyMs = await timed(workdir, destroy);
        results[side].push(applyMs);
        results[`${side}Destroy`].push(destroyMs);
        process.stdout.write(`round ${round}: ${side.padEnd(6)} apply ${fmt(applyMs)}, destroy ${fmt(destroyMs)}\n`);
      }
      load.push(loadavg()[0] ?? 0);
    }
    // Where the difference comes from: a plan of both configurations (provider overhead without
    // API writes: process starts, configure, 100 PlanResourceChange calls).
    const plans = { tokens: [] as number[], data: [] as number[] };
    const plan = ['plan', '-no-color', '-input=false', `-parallelism=${PARALLELISM}`];
    for (let round = 0; round < ROUNDS; round += 1) {
      plans.tokens.push(await timed(tokens, plan));
      plans.data.push(await timed(data, plan));
    }
    const live = await api.sql<{ n: string }>(
      "SELECT count(*)::text AS n FROM tokens WHERE name LIKE 'bench-%' AND name NOT LIKE 'bench-direct-%' AND revoked_at IS NULL",
    );
    const baseline = median(results.data) + median(apiOnly);
    const ratio = median(results.tokens) / baseline;
    process.stdout.write(
      [
        '',
        `terraform apply, ${COUNT} resources, -parallelism=${PARALLELISM}, median of ${ROUNDS} interleaved rounds` +
          ` (load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}):`,
        `  tessera_personal_access_token, ${release ? `release executable (Node v${release.version})` : 'launcher package'}: ${fmt(median(results.tokens))} (destroy ${fmt(median(results.tokensDestroy))})`,
        ...(release
          ? [
              `  tessera_personal_access_token, launcher package (Node ${process.version}): ${fmt(median(results.launcher))} (destroy ${fmt(median(results.launcherDestroy))}),` +
                ` ratio ${(median(results.launcher) / baseline).toFixed(2)}×`,
            ]
          : []),
        ...(bun
          ? [
              `  tessera_personal_access_token, Bun v${bun.version} single executable (not what a release ships): ${fmt(median(results.bun))} (destroy ${fmt(median(results.bunDestroy))}),` +
                ` ratio ${(median(results.bun) / baseline).toFixed(2)}×`,
            ]
          : []),
        `  terraform_data:                ${fmt(median(results.data))} (destroy ${fmt(median(results.dataDestroy))})`,
        `  ${COUNT} POST /api/v1/personal-access-tokens straight to the API, ${PARALLELISM} at a time: ${fmt(median(apiOnly))}`,
        `  ratio tokens / (terraform_data + direct creates): ${ratio.toFixed(2)}× (goal ≤ ${GOAL}×) ${ratio <= GOAL ? 'MET' : 'NOT MET'}`,
        `  (tokens / terraform_data alone: ${(median(results.tokens) / median(results.data)).toFixed(2)}×)`,
        `  tokens left active after destroy: ${live[0]?.n ?? '?'}`,
        `breakdown:`,
        `  terraform plan (no API writes): tokens ${fmt(median(plans.tokens))}, terraform_data ${fmt(median(plans.data))}`,
        '',
      ].join('\n'),
    );
  } finally {
    for (const w of workdirs) w.cleanup();
    rmSync(work, { recursive: true, force: true });
    await api.stop();
    await globalTeardown();
  }
}

main().catch((failure: unknown) => {
  process.stderr.write(`provider apply bench failed: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}\n`);
  process.exit(1);
});
