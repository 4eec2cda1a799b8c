// `npm run cdktf:generate [-- --target cdktf|cdktn|all] [--out DIR] [--mirror DIR]`
// Regenerates the construct bindings from the built provider's own schema (see
// cdktf-provider-schema.ts) into the bindings package's `src/`.
import path from 'node:path';
import { BINDINGS_TARGETS, CDKTF_TARGET, REPO_ROOT, generateBindings, type BindingsTarget, type ProviderIdentity } from './cdktf-bindings';
import { readInstalledProviderSchema } from './cdktf-provider-schema';

/** `~> MAJOR.MINOR` of the selected version: later patch and minor releases stay compatible. */
export function versionConstraintFor(version: string): string {
  const match = /^(\d+)\.(\d+)\./.exec(version);
  if (!match) throw new Error(`unexpected provider version "${version}"`);
  return `~> ${match[1]}.${match[2]}`;
}

export function tesseraProviderIdentity(version: string): ProviderIdentity {
  return { name: 'tessera', source: 'tessera/tessera', versionConstraint: versionConstraintFor(version) };
}

/** Where a target's generated sources live. */
export function bindingsSourceDir(target: BindingsTarget): string {
  return path.join(REPO_ROOT, target.packageDir, 'src');
}

interface Options {
  readonly targets: readonly BindingsTarget[];
  readonly outDir?: string;
  /** Read the schema from a provider already in this filesystem mirror instead of dist/. */
  readonly mirrorDir?: string;
}

function parseOptions(argv: readonly string[]): Options {
  let targets: readonly BindingsTarget[] = [CDKTF_TARGET];
  let outDir: string | undefined;
  let mirrorDir: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--target' && value) {
      const target = BINDINGS_TARGETS.find((candidate) => candidate.name === value);
      if (value === 'all') targets = BINDINGS_TARGETS;
      else if (target) targets = [target];
      else throw new Error(`--target must be one of ${[...BINDINGS_TARGETS.map((t) => t.name), 'all'].join(', ')}`);
      i += 1;
    } else if (arg === '--out' && value) {
      outDir = path.resolve(value);
      i += 1;
    } else if (arg === '--mirror' && value) {
      mirrorDir = path.resolve(value);
      i += 1;
    } else {
      throw new Error(`unknown argument "${arg}"; usage: cdktf-generate [--target cdktf|cdktn|all] [--out DIR] [--mirror DIR]`);
    }
  }
  return { targets, outDir, mirrorDir };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.outDir && options.targets.length > 1) throw new Error('--out needs a single --target');
  const started = Date.now();
  const { schema, version } = await readInstalledProviderSchema(options.mirrorDir);
  const schemaMs = Date.now() - started;
  for (const target of options.targets) {
    const outDir = options.outDir ?? bindingsSourceDir(target);
    const generationStarted = Date.now();
    const files = await generateBindings(target, schema, tesseraProviderIdentity(version), outDir);
    process.stderr.write(
      `${target.name}: ${files.length} files for tessera ${version} in ${path.relative(process.cwd(), outDir) || '.'} ` +
        `(schema ${schemaMs} ms, generation ${Date.now() - generationStarted} ms)\n`,
    );
  }
}

if (require.main === module) {
  main().then(
    // The generator's commons package leaves a `terraform version` child and timers behind.
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`cdktf:generate failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
