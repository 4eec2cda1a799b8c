/**
 * Provider start-up: exec → handshake line, the cost the CLI pays 2–5 times per command.
 * Runs the bundled tessera provider and the protocol layer's test provider through their mirror launchers with the environment go-plugin
 * sets (cookie, versions, client certificate → TLS on), against `node -e` printing one line,
 * interleaved in the same run so machine load affects all variants alike.
 * Usage: npm run bench:provider [-- --runs 30]
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServerCertificate, currentPlatform } from '../provider/protocol';
import { PROVIDER_NAMESPACE, PROVIDER_TYPE } from '../provider/tessera/version';
import { providerMirror } from '../test/provider/provider-mirror';
import { goPluginEnv } from '../test/protocol/support/plugin-process';
import { testProviderMirror } from '../test/protocol/support/test-provider-mirror';

interface Variant {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  samples: number[];
}

function timeToFirstLine(v: Variant): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(v.command, v.args, { env: v.env, stdio: ['ignore', 'pipe', 'ignore'] });
    let seen = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (seen || !chunk.includes(0x0a)) return;
      seen = true;
      resolve(Number(process.hrtime.bigint() - started) / 1e6);
      child.kill('SIGKILL');
      // A killed provider cannot remove its unix socket; do it for it.
      const [, , network, address] = chunk.toString('utf8').split('\n')[0]?.split('|') ?? [];
      if (network === 'unix' && address) child.on('exit', () => rmSync(address, { force: true }));
    });
    child.on('exit', (code) => {
      if (!seen) reject(new Error(`${v.name} exited with ${code} before printing a line`));
    });
  });
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i] ?? NaN;
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 25;
  const clientCert = createServerCertificate().certificatePem;
  const env = goPluginEnv({ PLUGIN_CLIENT_CERT: clientCert, TMPDIR: process.env.TMPDIR ?? '/tmp' });
  const shExec = await testProviderMirror({ launcher: 'sh-exec' });
  const shebang = await testProviderMirror({ launcher: 'node-shebang' });
  const noCache = await testProviderMirror({ launcher: 'sh-exec', codeCache: false });
  const tessera = await providerMirror();
  const tesseraExecutable = join(
    tessera.mirrorDir,
    'registry.terraform.io',
    PROVIDER_NAMESPACE,
    PROVIDER_TYPE,
    tessera.version,
    currentPlatform(),
    `terraform-provider-${PROVIDER_TYPE}_v${tessera.version}`,
  );
  const variants: Variant[] = [
    { name: 'node -e (baseline)', command: process.execPath, args: ['-e', 'process.stdout.write("1|6|x\\n")'], env, samples: [] },
    { name: 'tessera: sh wrapper, exec node', command: tesseraExecutable, args: [], env, samples: [] },
    { name: 'test provider: sh wrapper, exec node', command: shExec.executablePath, args: [], env, samples: [] },
    { name: 'test provider: #!/usr/bin/env node', command: shebang.executablePath, args: [], env, samples: [] },
    { name: 'test provider: sh, no code cache', command: noCache.executablePath, args: [], env, samples: [] },
  ];
  for (const v of variants) for (let i = 0; i < 2; i++) await timeToFirstLine(v); // warm the disk cache
  for (let i = 0; i < runs; i++) for (const v of variants) v.samples.push(await timeToFirstLine(v));

  const baseline = quantile([...(variants[0]?.samples ?? [])].sort((a, b) => a - b), 0.5);
  console.log(`exec → first stdout line, ${runs} runs each, interleaved (ms)`);
  console.log(['variant'.padEnd(40), 'median', '   p10', '   p90', '   min', ' ratio'].join(' '));
  for (const v of variants) {
    const s = [...v.samples].sort((a, b) => a - b);
    const median = quantile(s, 0.5);
    console.log(
      [v.name.padEnd(40), ...[median, quantile(s, 0.1), quantile(s, 0.9), s[0] ?? NaN].map((n) => n.toFixed(0).padStart(6)), `${(median / baseline).toFixed(2)}×`.padStart(6)].join(' '),
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
