// `npm run lint:openapi`: writes the OpenAPI document the API serves to a temporary file and
// lints it with Redocly (redocly.yaml) and Spectral (.spectral.yaml, spectral:oas). Fails on any
// error or warning: the rules that are switched off are switched off, with the reason, in those
// files. The document is built by the same function GET /api/v1/openapi.json serves.
// With --print it only prints the document (for clients and reviewers without a running server).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApiDocument } from '../api/openapi/document';
import { DEFAULT_PAT_MAX_DAYS } from '../api/tokens/policy';

const root = path.resolve(__dirname, '..');
const bin = (name: string): string => path.join(root, 'node_modules', '.bin', name);

function run(command: string, args: string[]): { status: number; stdout: string } {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout };
}

function main(): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-openapi-'));
  const file = path.join(dir, 'openapi.json');
  try {
    fs.writeFileSync(file, `${JSON.stringify(openApiDocument({ patMaxDays: DEFAULT_PAT_MAX_DAYS }), null, 2)}\n`);
    let failed = false;

    const redocly = run(bin('redocly'), ['lint', file, '--config', path.join(root, 'redocly.yaml'), '--format', 'json']);
    const report = JSON.parse(redocly.stdout.slice(redocly.stdout.indexOf('{'))) as {
      totals: { errors: number; warnings: number };
      problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer?: string }> }>;
    };
    for (const problem of report.problems)
      console.log(`redocly ${problem.severity} ${problem.ruleId}: ${problem.message} (${problem.location[0]?.pointer ?? ''})`);
    console.log(`redocly: ${report.totals.errors} error(s), ${report.totals.warnings} warning(s)`);
    if (report.totals.errors > 0 || report.totals.warnings > 0) failed = true;

    const spectral = run(bin('spectral'), [
      'lint',
      file,
      '--ruleset',
      path.join(root, '.spectral.yaml'),
      '--fail-severity',
      'warn',
      '--format',
      'text',
    ]);
    const lines = spectral.stdout.trim();
    console.log(lines === '' ? 'spectral: 0 problems' : lines);
    if (spectral.status !== 0) failed = true;
    return failed ? 1 : 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--print')) {
  process.stdout.write(`${JSON.stringify(openApiDocument({ patMaxDays: DEFAULT_PAT_MAX_DAYS }), null, 2)}\n`);
} else {
  process.exitCode = main();
}
