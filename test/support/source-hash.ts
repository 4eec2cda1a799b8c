/**
 * A short content hash of source trees, used as the cache key of provider builds shared between
 * test files and jest workers: any edit to a source file yields a new build, nothing else does.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface SourceHashOptions {
  /** Paths relative to repoRoot: folders are walked, files are taken as they are. */
  paths: readonly string[];
  /** Folder names not to descend into (test fixtures, examples). */
  skipDirs?: readonly string[];
  /** Anything else the build depends on (node binary, variant, version). */
  salt?: readonly string[];
}

function sourceFiles(dir: string, skipDirs: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (!skipDirs.has(entry)) out.push(...sourceFiles(full, skipDirs));
    } else if (/\.(ts|json|proto)$/.test(entry) && !entry.endsWith('.test.ts')) out.push(full);
  }
  return out.sort();
}

export function sourceHash(repoRoot: string, options: SourceHashOptions): string {
  const skipDirs = new Set(options.skipDirs ?? []);
  const hash = createHash('sha256');
  for (const part of options.salt ?? []) hash.update(part).update('\0');
  for (const path of options.paths) {
    const full = join(repoRoot, path);
    const files = statSync(full).isDirectory() ? sourceFiles(full, skipDirs) : [full];
    for (const file of files) hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Deletes cached builds (one folder per source hash) unused for a day: nobody runs those sources any more. */
export function pruneOldBuilds(root: string): void {
  if (!existsSync(root)) return;
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const entry of readdirSync(root)) {
    const dir = join(root, entry);
    if (statSync(dir).mtimeMs < dayAgo) rmSync(dir, { recursive: true, force: true });
  }
}
