// npm run provider:install [-- --mirror DIR] [--force] [--dist DIR]
// Builds the provider and lays it out in a filesystem mirror: by default the implied local
// mirror ~/.terraform.d/plugins (searched by Terraform and OpenTofu when no CLI configuration
// says otherwise), under both registry.terraform.io and registry.opentofu.org, so a plain
// `terraform init` / `tofu init` finds `tessera/tessera`. With --mirror DIR it writes there and
// prints the provider_installation block that points a CLI configuration at it.
import { resolve } from 'node:path';
import { buildProvider, impliedMirrorDir, installProvider, providerInstallationBlock, VersionReuseError } from './provider-packaging';

interface Args {
  mirror?: string;
  force: boolean;
  /** Where the bundle is built (default dist/provider); tests build elsewhere. */
  dist?: string;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { force: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--mirror') {
      const value = argv[i + 1];
      if (!value) throw new Error('--mirror needs a directory');
      out.mirror = value;
      i += 1;
    } else if (arg?.startsWith('--mirror=')) {
      out.mirror = arg.slice('--mirror='.length);
    } else if (arg === '--dist') {
      const value = argv[i + 1];
      if (!value) throw new Error('--dist needs a directory');
      out.dist = value;
      i += 1;
    } else if (arg === '--force') {
      out.force = true;
    } else {
      throw new Error(`unknown argument ${JSON.stringify(arg)} (expected --mirror DIR, --force or --dist DIR)`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const mirrorDir = resolve(args.mirror ?? impliedMirrorDir());
  const built = await buildProvider(args.dist ? resolve(args.dist) : undefined);
  const installed = await installProvider({ bundlePath: built.bundlePath, mirrorDir, force: args.force });
  const what = installed.unchanged ? 'already installed (unchanged)' : 'installed';
  process.stdout.write(`terraform-provider-tessera ${installed.version} ${what} for ${installed.platform}:\n`);
  for (const dir of installed.packageDirs) process.stdout.write(`  ${dir}\n`);
  process.stdout.write(`lock-file hash: ${installed.hash}\n`);
  if (args.mirror) {
    process.stdout.write('\nAdd this to your CLI configuration (~/.terraformrc, ~/.tofurc or the file in TF_CLI_CONFIG_FILE):\n\n');
    process.stdout.write(providerInstallationBlock(mirrorDir));
  } else {
    process.stdout.write('\nterraform init (or tofu init) now finds source = "tessera/tessera" without any CLI configuration.\n');
  }
}

main().catch((failure: unknown) => {
  const message = failure instanceof Error ? failure.message : String(failure);
  process.stderr.write(`provider:install failed: ${message}\n`);
  process.exit(failure instanceof VersionReuseError ? 3 : 1);
});
