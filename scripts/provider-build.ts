// npm run provider:build — bundles the tessera provider into dist/provider/provider.js.
import { relative } from 'node:path';
import { buildProvider, REPO_ROOT } from './provider-packaging';

async function main(): Promise<void> {
  const built = await buildProvider();
  process.stdout.write(
    `built terraform-provider-tessera ${built.version}: ${relative(REPO_ROOT, built.bundlePath)} (${Math.round(built.bytes / 1024)} KiB)\n`,
  );
}

main().catch((failure: unknown) => {
  process.stderr.write(`provider:build failed: ${failure instanceof Error ? failure.message : String(failure)}\n`);
  process.exit(1);
});
