// npm run docs:generate — writes docs/ from the schema descriptions and the tested examples.
// npm run docs:check   — exits 1 (listing the files) when docs/ differs from what would be written.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './provider-packaging';
import { renderDocs } from './provider-docs-render';

const check = process.argv.includes('--check');
const stale: string[] = [];
for (const page of renderDocs()) {
  const target = join(REPO_ROOT, 'docs', page.file);
  let current: string | undefined;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === page.content) continue;
  if (check) {
    stale.push(`docs/${page.file}`);
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, page.content);
    process.stdout.write(`wrote docs/${page.file}\n`);
  }
}
if (stale.length > 0) {
  process.stderr.write(`docs out of date (run npm run docs:generate): ${stale.join(', ')}\n`);
  process.exit(1);
}
