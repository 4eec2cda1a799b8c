// docs/cli.md is rendered from the command definitions (stale → this fails); the bash
// completion script, generated from the same tree, completes in a real bash; the package's bin
// runs the built command line.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { renderCliReference } from '../../cli/docs/reference';
import { buildTestCli, type BuiltCli } from './support/cli';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../..');
let cli: BuiltCli;

beforeAll(async () => {
  cli = await buildTestCli();
}, 120_000);

afterAll(() => cli?.remove());

test('docs/cli.md matches the command definitions (npm run cli:docs)', () => {
  const committed = fs.readFileSync(path.join(REPO, 'docs', 'cli.md'), 'utf8');
  expect(committed).toBe(renderCliReference());
  for (const command of [
    'tessera tokens create',
    'tessera teams set-role',
    'tessera service-accounts delete',
    'tessera audit list',
    'tessera completion',
  ]) {
    expect(committed).toContain(`\n${command} [options]`);
  }
});

async function complete(words: string[]): Promise<string[]> {
  const script = (await cli.run(['completion', 'bash'])).stdout;
  const file = path.join(path.dirname(cli.bundle), 'completion.bash');
  fs.writeFileSync(file, script);
  const array = words.map((word) => `'${word}'`).join(' ');
  const { stdout } = await run('bash', [
    '-c',
    `source '${file}'; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _tessera; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ]);
  return stdout.split('\n').filter((line) => line !== '');
}

test('bash completion completes commands, subcommands, options and their choices', async () => {
  expect(await complete(['tessera', ''])).toEqual(
    expect.arrayContaining(['login', 'tokens', 'service-accounts', 'completion', '--output']),
  );
  expect(await complete(['tessera', 'to'])).toEqual(['tokens']);
  expect(await complete(['tessera', 'tokens', 'r'])).toEqual(['revoke', 'revoke-all']);
  expect(await complete(['tessera', '--profile', 'work', 'tokens', 'create', '--'])).toEqual(
    expect.arrayContaining(['--name', '--days', '--quiet', '--idempotency-key', '--output', '--help']),
  );
  expect(await complete(['tessera', 'users', 'list', '-o', ''])).toEqual(['table', 'json']);
  expect(await complete(['tessera', 'teams', 'set-role', 'Platform', 'Re'])).toEqual(['ReadOnly']);
  expect(await complete(['tessera', 'completion', ''])).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
});

test('zsh and fish scripts cover every command', async () => {
  const zsh = (await cli.run(['completion', 'zsh'])).stdout;
  expect(zsh.split('\n')[0]).toBe('#compdef tessera');
  expect(zsh).toContain('bashcompinit');
  expect(zsh).toContain('complete -F _tessera tessera');
  const fish = (await cli.run(['completion', 'fish'])).stdout;
  for (const [group, command] of [
    ['tokens', 'revoke-all'],
    ['users', 'activate'],
    ['teams', 'add-member'],
    ['service-accounts', 'delete'],
    ['audit', 'list'],
  ]) {
    expect(fish).toContain(`-n '__fish_use_subcommand' -a ${group} `);
    expect(fish).toMatch(new RegExp(`__fish_seen_subcommand_from ${group}; and not __fish_seen_subcommand_from [^']*' -a ${command} `));
  }
  expect(fish).toContain("-l output -r -a 'table json'");
});

test('the package bin runs the built command line', async () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
  const bin = path.join(REPO, manifest.bin['tessera'] ?? '');
  expect(fs.readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(fs.statSync(bin).mode & 0o111).not.toBe(0);
  const { stdout } = await run(bin, ['--version'], { env: { PATH: process.env.PATH } });
  expect(stdout).toBe(`${manifest.version}\n`);
}, 120_000);
