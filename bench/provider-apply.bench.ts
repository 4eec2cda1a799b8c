// npm run bench:provider (second half) — wall time of `terraform apply -parallelism=10` creating
// 100 tessera_personal_access_token resources, against the same apply of 100 terraform_data
// resources (Terraform's built-in no-op) plus the same 100 creates sent straight to the API at
// concurrency 10, on the same machine with the same API running, interleaved round by round.
// Goal: tokens ≤ 1.3 × (terraform_data + direct creates). Real parts throughout: embedded PostgreSQL, the API on a
// random port, the bundled provider installed from a filesystem mirror, the terraform CLI.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { createTerraformWorkdir, type TerraformWorkdir } from '../test/support/terraform';
import { providerMirror } from '../test/provider/provider-mirror';
import { startTestApi } from '../test/support/api-server';
import { median } from './support';

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
async function createDirectly(url: string, token: string, prefix: string): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLELISM }, async () => {
      while (next < COUNT) {
        const i = next++;
        const response = await fetch(`${url}/api/v1/personal-access-tokens`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
          body: JSON.stringify({ name: `${prefix}-${i}`, expiration_days: 1 }),
        });
        await response.text();
        if (response.status !== 201) throw new Error(`direct create answered ${response.status}`);
      }
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  await globalSetup();
  const api = await startTestApi();
  const workdirs: TerraformWorkdir[] = [];
  try {
    const mirror = await providerMirror();
    const env = { TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: api.adminToken };
    const tokens = await createTerraformWorkdir({
      mirrorDir: mirror.mirrorDir,
      providerSources: mirror.addresses,
      files: { 'main.tf': TOKENS_TF },
      env,
    });
    const data = await createTerraformWorkdir({
      mirrorDir: mirror.mirrorDir,
      providerSources: mirror.addresses,
      files: { 'main.tf': DATA_TF },
      env,
    });
    workdirs.push(tokens, data);
    await tokens.runOk(['init', '-no-color', '-input=false']);
    await data.runOk(['init', '-no-color', '-input=false']);

    const apply = ['apply', '-auto-approve', '-no-color', '-input=false', `-parallelism=${PARALLELISM}`];
    const destroy = ['destroy', '-auto-approve', '-no-color', '-input=false', `-parallelism=${PARALLELISM}`];
    const results = { tokens: [] as number[], data: [] as number[], tokensDestroy: [] as number[], dataDestroy: [] as number[] };
    const apiOnly: number[] = [];
    const load: number[] = [loadavg()[0] ?? 0];
    for (let round = 1; round <= ROUNDS; round += 1) {
      // The floor for any client: the same creates straight against the API.
      apiOnly.push(await createDirectly(api.url, api.adminToken, `bench-direct-${round}`));
      // Alternate the order so neither side always runs on a warmer machine.
      const order = round % 2 ? (['tokens', 'data'] as const) : (['data', 'tokens'] as const);
      for (const side of order) {
        const workdir = side === 'tokens' ? tokens : data;
        const applyMs = await timed(workdir, apply);
        const destroyMs = await timed(workdir, destroy);
        results[side].push(applyMs);
        results[side === 'tokens' ? 'tokensDestroy' : 'dataDestroy'].push(destroyMs);
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
        `  tessera_personal_access_token: ${fmt(median(results.tokens))} (destroy ${fmt(median(results.tokensDestroy))})`,
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
    await api.stop();
    await globalTeardown();
  }
}

main().catch((failure: unknown) => {
  process.stderr.write(`provider apply bench failed: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}\n`);
  process.exit(1);
});
