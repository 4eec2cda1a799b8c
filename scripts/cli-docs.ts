// `npm run cli:docs`: writes docs/cli.md from the command definitions; `--check` exits 1 when
// the committed file differs.
import fs from 'node:fs';
import path from 'node:path';
import { renderCliReference } from '../cli/docs/reference';

export const CLI_REFERENCE = path.resolve(__dirname, '..', 'docs', 'cli.md');

const rendered = renderCliReference();
if (process.argv.includes('--check')) {
  const committed = fs.existsSync(CLI_REFERENCE) ? fs.readFileSync(CLI_REFERENCE, 'utf8') : '';
  if (committed !== rendered) {
    process.stderr.write('docs/cli.md is stale: run npm run cli:docs and commit the result\n');
    process.exit(1);
  }
} else {
  fs.writeFileSync(CLI_REFERENCE, rendered);
  process.stderr.write('wrote docs/cli.md\n');
}
