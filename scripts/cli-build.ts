// `npm run cli:build` (also run by `npm ci` / `npm install` as the `prepare` step): bundles the
// command line (cli/entry.ts, commander and the typed client) into one file,
// dist/cli/tessera.cjs, which the package's `tessera` bin (cli/bin/tessera.cjs) loads. One
// file with no module resolution at start-up is what keeps `tessera whoami` close to a bare
// `node -e 0`.
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const REPO = path.resolve(__dirname, '..');
export const CLI_BUNDLE = path.join(REPO, 'dist', 'cli', 'tessera.cjs');

// commander loads node:child_process at start-up for executable subcommands, which this command
// line does not use; loading it only if it is ever touched saves its load time on every run.
const lazyChildProcess: Plugin = {
  name: 'lazy-child-process',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes(`${path.sep}commander${path.sep}`) ? { path: 'lazy-child-process', namespace: 'tessera-cli' } : undefined,
    );
    pluginBuild.onLoad({ filter: /^lazy-child-process$/, namespace: 'tessera-cli' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_target, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

export async function buildCli(outfile: string = CLI_BUNDLE): Promise<string> {
  await build({
    entryPoints: [path.join(REPO, 'cli', 'entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [lazyChildProcess],
    // import() of a built-in becomes a plain require() when first reached: starting Node's ESM
    // loader for it would cost more than the module itself.
    supported: { 'dynamic-import': false },
  });
  return outfile;
}

if (require.main === module) {
  const outfile = process.argv[2] ? path.resolve(process.argv[2]) : CLI_BUNDLE;
  buildCli(outfile).then(
    () => process.stderr.write(`tessera CLI: built ${path.relative(REPO, outfile)}\n`),
    (error: unknown) => {
      process.stderr.write(`tessera CLI: build failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
