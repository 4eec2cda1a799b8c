/**
 * The `h1:` package hash that Terraform/OpenTofu record in `.terraform.lock.hcl` for unpacked
 * packages: Go's dirhash.Hash1. For every regular file, sorted by forward-slash relative path,
 * a line "<sha256 hex>  <path>\n"; the SHA-256 of all lines, standard padded base64, "h1:" prefix.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Go sorts the names as byte strings; compare UTF-8 bytes, not UTF-16 units. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export async function computeH1Hash(dir: string): Promise<string> {
  const files = (await listFiles(dir)).sort(byteOrder);
  const summary = createHash('sha256');
  for (const rel of files) {
    if (rel.includes('\n')) throw new Error(`file name with a newline cannot be hashed: ${JSON.stringify(rel)}`);
    const digest = createHash('sha256')
      .update(await readFile(join(dir, rel)))
      .digest('hex');
    summary.update(`${digest}  ${rel}\n`);
  }
  return `h1:${summary.digest('base64')}`;
}

/**
 * The `h1:` hash of a package given as in-memory files (e.g. the entries of a zip archive,
 * which is how Terraform hashes a zip: over its file entries, without extracting them).
 */
export function computeH1HashOfFiles(files: readonly { name: string; data: Buffer }[]): string {
  const summary = createHash('sha256');
  for (const file of [...files].sort((a, b) => byteOrder(a.name, b.name))) {
    if (file.name.includes('\n')) throw new Error(`file name with a newline cannot be hashed: ${JSON.stringify(file.name)}`);
    summary.update(`${createHash('sha256').update(file.data).digest('hex')}  ${file.name}\n`);
  }
  return `h1:${summary.digest('base64')}`;
}
