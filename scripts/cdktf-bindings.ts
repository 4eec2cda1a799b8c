// Turns a `terraform providers schema -json` document into TypeScript construct bindings.
// The generator is the upstream one (CDKTF, or its fork cdktn, which keeps the same API under
// other package names), so the bindings are exactly what `cdktf get` would have produced.
import { mkdtempSync, readdirSync, rmSync, cpSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CodeMaker } from 'codemaker';
import type * as Commons from '@cdktf/commons';
import type { TerraformProviderGenerator } from '@cdktf/provider-generator/lib/get/generator/provider-generator';

export const REPO_ROOT = path.resolve(__dirname, '..');

/** Which construct library the bindings are written for. */
export interface BindingsTarget {
  /** Short name used on the command line and in messages. */
  readonly name: 'cdktf' | 'cdktn';
  /** Deep import of the generator class (the package root would load jsii-pacmak). */
  readonly generatorModule: string;
  readonly commonsModule: string;
  /** The package folder (relative to the repository root) that holds the generated `src/`. */
  readonly packageDir: string;
  /**
   * Folder (relative to the repository root) whose node_modules hold this generator. cdktn
   * lives in its package's own install: it needs constructs < 10.8, the root has 10.8.1 for cdktf.
   */
  readonly toolchainDir: string;
  /** How to install the toolchain, for the error message when it is missing. */
  readonly installHint: string;
}

export const CDKTF_TARGET: BindingsTarget = {
  name: 'cdktf',
  generatorModule: '@cdktf/provider-generator/lib/get/generator/provider-generator',
  commonsModule: '@cdktf/commons',
  packageDir: 'provider/cdktf',
  toolchainDir: '.',
  installHint: 'npm ci',
};

export const CDKTN_TARGET: BindingsTarget = {
  name: 'cdktn',
  generatorModule: '@cdktn/provider-generator/build/get/generator/provider-generator',
  commonsModule: '@cdktn/commons',
  packageDir: 'provider/cdktf/cdktn',
  toolchainDir: 'provider/cdktf/cdktn',
  installHint: 'npm ci --prefix provider/cdktf/cdktn',
};

export const BINDINGS_TARGETS: readonly BindingsTarget[] = [CDKTF_TARGET, CDKTN_TARGET];

/** Just the parts of the schema document the generator looks at. */
export interface ProviderSchemaDocument {
  readonly format_version: string;
  readonly provider_schemas: Record<string, unknown>;
}

export interface ProviderIdentity {
  /** Local name, e.g. `tessera`. */
  readonly name: string;
  /** Source address as users write it, e.g. `tessera/tessera`. */
  readonly source: string;
  /** Version constraint written into `required_providers`, e.g. `~> 0.1`. */
  readonly versionConstraint: string;
}

type GeneratorModule = { TerraformProviderGenerator: typeof TerraformProviderGenerator };
type CodeMakerModule = { CodeMaker: typeof CodeMaker };

/**
 * Loading the generator's commons package runs `terraform version` and would phone home, so the
 * switches that stop that must be in the environment before the first require.
 */
function loadGenerator(target: BindingsTarget): {
  generatorModule: GeneratorModule;
  commons: typeof Commons;
  codemaker: CodeMakerModule;
} {
  process.env.CHECKPOINT_DISABLE = '1';
  process.env.DISABLE_VERSION_CHECK = '1';
  // The `terraform version` it spawns on load must not read (or warn about) the user's CLI config.
  const userCliConfig = process.env.TF_CLI_CONFIG_FILE;
  process.env.TF_CLI_CONFIG_FILE = '/dev/null';
  try {
    const generatorPath = require.resolve(target.generatorModule, { paths: [path.join(REPO_ROOT, target.toolchainDir)] });
    // commons and codemaker must be the generator's own copies (cdktn pins newer ones).
    const besideGenerator = { paths: [path.dirname(generatorPath)] };
    /* eslint-disable @typescript-eslint/no-require-imports */
    const commons = require(require.resolve(target.commonsModule, besideGenerator)) as typeof Commons;
    const generatorModule = require(generatorPath) as GeneratorModule;
    const codemaker = require(require.resolve('codemaker', besideGenerator)) as CodeMakerModule;
    /* eslint-enable @typescript-eslint/no-require-imports */
    return { generatorModule, commons, codemaker };
  } catch (error) {
    throw new Error(`the ${target.name} provider generator is not installed (run \`${target.installHint}\`): ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    if (userCliConfig === undefined) delete process.env.TF_CLI_CONFIG_FILE;
    else process.env.TF_CLI_CONFIG_FILE = userCliConfig;
  }
}

/** The generator writes `providers/<name>/…`; only the `lazy-index.ts` variant is left out (see below). */
const OMITTED_FILES = new Set(['lazy-index.ts']);

/**
 * Generates the bindings into `<outDir>` (replacing what is there): `index.ts` plus a folder per
 * resource, data source and the provider itself.
 */
export async function generateBindings(
  target: BindingsTarget,
  schema: ProviderSchemaDocument,
  provider: ProviderIdentity,
  outDir: string,
): Promise<string[]> {
  const { generatorModule, commons, codemaker } = loadGenerator(target);
  const staging = mkdtempSync(path.join(tmpdir(), `tessera-${target.name}-gen-`));
  try {
    // Real `terraform providers schema -json` says format_version "1.0"; the generator's type
    // only lists the old values but reads nothing version-specific.
    const generator = new generatorModule.TerraformProviderGenerator(
      new codemaker.CodeMaker(),
      schema as unknown as Commons.ProviderSchema,
    );
    const constraint = new commons.TerraformProviderConstraint({
      name: provider.name,
      source: provider.source,
      version: provider.versionConstraint,
    });
    generator.generate(new commons.ConstructsMakerProviderTarget(constraint, commons.Language.TYPESCRIPT));
    await generator.save(staging);

    const generated = path.join(staging, 'providers', provider.name);
    if (!existsSync(generated)) throw new Error(`the generator wrote nothing for provider ${provider.name}`);
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    // lazy-index.ts is a script-style file (bare `exports`/`require`) meant for jsii packages; the
    // package entry point is index.ts, so shipping it would only add an uncompilable file.
    cpSync(generated, outDir, { recursive: true, filter: (source) => !OMITTED_FILES.has(path.basename(source)) });
    return listFiles(outDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Every file below `dir`, as sorted paths relative to it. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else files.push(child);
    }
  };
  walk('');
  return files.sort();
}
