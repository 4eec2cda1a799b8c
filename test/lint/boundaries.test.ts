// The import boundaries of eslint.config.mjs, exercised: each forbidden import is reported when it
// appears in a file of the layer it is forbidden in, and the same import elsewhere is not. Runs
// ESLint's own API on source text (the type-aware rules are switched off here: the files do not
// exist on disk, and those rules are not what is being tested).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

// ESLint loads its flat config with a dynamic import, which Jest's module system cannot run, so
// the linting happens in a child Node process, once for all cases.
const LINT_SCRIPT = `
import { ESLint } from 'eslint';
const cases = JSON.parse(process.argv[1]);
const eslint = new ESLint({
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
  },
});
const out = [];
for (const [file, specifier] of cases) {
  const [result] = await eslint.lintText("import { x } from '" + specifier + "';\\nexport const y = x;\\n", { filePath: file });
  out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
}
console.log(JSON.stringify(out));
`;

function lint(cases: Array<[string, string]>): string[][] {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', LINT_SCRIPT, JSON.stringify(cases)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return JSON.parse(output) as string[][];
}

const forbidden: Array<[string, string]> = [
  ['provider/protocol/server/probe.ts', '../../tessera/provider'],
  ['provider/protocol/server/probe.ts', '../../resources/team/resource'],
  ['provider/protocol/probe.ts', '../../api/app'],
  ['provider/tessera/probe.ts', '../../api/contract'],
  ['provider/resources/team/probe.ts', '../../../api/errors'],
  ['api/routes/probe.ts', '../../provider/protocol'],
  ['api/tokens/repository.ts', '../http/problem'],
  ['api/sessions/session-repository.ts', '../http/operations'],
  ['api/teams/service.ts', '../http/authenticate'],
  ['api/users/service.ts', 'express'],
];
const allowed: Array<[string, string]> = [
  ['provider/tessera/probe.ts', '../protocol'],
  ['provider/resources/team/probe.ts', '../../tessera/client'],
  ['provider/tessera/probe.ts', '../../client/generated/api'],
  ['cli/commands/probe.ts', '../../client'],
  ['client/probe.ts', './generated/api'],
  ['api/routes/probe.ts', '../http/operations'],
  ['api/tokens/repository.ts', '../pagination'],
  ['api/teams/service.ts', '../errors'],
];

let results: string[][] = [];
beforeAll(() => {
  results = lint([...forbidden, ...allowed]);
});

describe('import boundaries', () => {
  test.each(forbidden.map((c, i) => [...c, i] as const))('%s may not import %s', (_file, _specifier, index) => {
    expect(results[index]?.length).toBeGreaterThan(0);
  });

  test.each(allowed.map((c, i) => [...c, forbidden.length + i] as const))('%s may import %s', (_file, _specifier, index) => {
    expect(results[index]).toEqual([]);
  });
});
