/**
 * Builds the tessera provider once per source version and installs it into a filesystem mirror
 * shared by every provider e2e test file and jest worker: a cache directory keyed by a hash of
 * the sources, published with an atomic rename so concurrent builders never see half a mirror.
 * Installation goes through scripts/provider-packaging.ts, the same code as provider:install.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ADDRESSES, buildProvider, installProvider, REPO_ROOT } from '../../scripts/provider-packaging';
import { PROVIDER_VERSION } from '../../provider/tessera/version';

export interface ProviderMirror {
  mirrorDir: string;
  bundlePath: string;
  /** `registry.terraform.io/tessera/tessera` and `registry.opentofu.org/tessera/tessera`. */
  addresses: string[];
  version: string;
  h1: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (entry !== 'fixtures' && entry !== 'example') out.push(...sourceFiles(full));
    } else if (/\.(ts|json|proto)$/.test(entry) && !entry.endsWith('.test.ts')) out.push(full);
  }
  return out.sort();
}

function sourceHash(): string {
  const hash = createHash('sha256').update(process.execPath).update(PROVIDER_VERSION);
  const roots = ['provider/protocol', 'provider/tessera', 'provider/resources'].map((d) => join(REPO_ROOT, d));
  for (const file of [...roots.flatMap(sourceFiles), join(REPO_ROOT, 'scripts/provider-packaging.ts')]) {
    hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Builds of other source versions older than a day: nobody runs them any more. */
function pruneOldBuilds(root: string): void {
  if (!existsSync(root)) return;
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const entry of readdirSync(root)) {
    const dir = join(root, entry);
    if (statSync(dir).mtimeMs < dayAgo) rmSync(dir, { recursive: true, force: true });
  }
}

export async function providerMirror(): Promise<ProviderMirror> {
  const root = join(tmpdir(), 'tessera-provider-tests');
  const key = sourceHash();
  const finalDir = join(root, key);
  const describe = (dir: string, h1: string): ProviderMirror => ({
    mirrorDir: join(dir, 'mirror'),
    bundlePath: join(dir, 'bundle', 'provider.js'),
    addresses: [...ADDRESSES],
    version: PROVIDER_VERSION,
    h1,
  });
  if (existsSync(join(finalDir, 'complete'))) return describe(finalDir, readFileSync(join(finalDir, 'complete'), 'utf8'));
  pruneOldBuilds(root);
  const workDir = join(root, `${key}.tmp-${process.pid}-${Date.now()}`);
  const built = await buildProvider(join(workDir, 'bundle'));
  const installed = await installProvider({ bundlePath: built.bundlePath, mirrorDir: join(workDir, 'mirror') });
  writeFileSync(join(workDir, 'complete'), installed.hash);
  try {
    renameSync(workDir, finalDir);
  } catch {
    // Another worker published the same build first; use theirs.
    rmSync(workDir, { recursive: true, force: true });
  }
  return describe(finalDir, readFileSync(join(finalDir, 'complete'), 'utf8'));
}
