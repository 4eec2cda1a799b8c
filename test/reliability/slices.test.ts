// The CI slices of the reliability suites: each script run as `npm run …` runs it, at a small
// size, in its own process. The full sizes (fuzz:api 100 000 cases, fuzz:provider 1 000 000,
// soak 10 minutes) run by hand; their figures are in the README's Reliability section.
//
// The fuzzers reuse this run's test PostgreSQL (TESSERA_TEST_PG_URL, inherited from jest's global
// setup); the soak starts `npm start` with its own embedded PostgreSQL, as a user does.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, script), ...args], { cwd: repoRoot, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The count in a `name  count` row of a summary table. */
function row(stdout: string, name: string): number {
  const match = new RegExp(`^${name}\\s+(\\d+)`, 'm').exec(stdout);
  return match ? Number(match[1]) : NaN;
}

test('fuzz:api, 300 cases: no violation, every kind of case sent, 4xx writes checked against the data', async () => {
  const result = await run('api-fuzz.ts', ['--cases', '300', '--seed', '14']);
  expect(`${result.stdout}\n${result.stderr}`).toContain('RESULT PASS fuzz:api cases=300 violations=0');
  expect(result.code).toBe(0);
  for (const kind of ['valid', 'body', 'credentials', 'params', 'encoding', 'paths']) expect(row(result.stdout, kind)).toBeGreaterThan(0);
  expect(row(result.stdout, '2xx') + row(result.stdout, '4xx')).toBe(300);
  expect(Number(/checked against the data fingerprint: (\d+)/.exec(result.stdout)?.[1])).toBeGreaterThan(20);
}, 150_000);

test('fuzz:provider, 3000 cases in process and over the gRPC socket: no crash, hang or silent acceptance', async () => {
  const result = await run('provider-fuzz.ts', ['--cases', '3000', '--seed', '14', '--socket-share', '0.02']);
  expect(`${result.stdout}\n${result.stderr}`).toContain('RESULT PASS fuzz:provider cases=3000 violations=0');
  expect(result.code).toBe(0);
  const socket = /over the gRPC socket: (\d+) cases \((\d+) raw protobuf/.exec(result.stdout);
  expect(Number(socket?.[1])).toBeGreaterThan(20);
  expect(Number(socket?.[2])).toBeGreaterThan(5);
  expect(result.stdout).toContain('provider process exits: 0');
  for (const rpc of [
    'ApplyResourceChange',
    'PlanResourceChange',
    'ReadResource',
    'UpgradeResourceState',
    'ConfigureProvider',
    'OpenEphemeralResource',
  ]) {
    expect(row(result.stdout, rpc)).toBeGreaterThan(0);
  }
}, 150_000);

test('soak, half a minute against npm start: no errors, RSS sampled, latency per minute', async () => {
  const result = await run('soak.ts', ['--minutes', '0.5', '--rate', '10']);
  expect(`${result.stdout}\n${result.stderr}`).toMatch(/RESULT PASS soak minutes=0.5 requests=300 errors=0/);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/RSS samples \(MB, every 5 s\): \d+( \d+){5,}/);
  expect(row(result.stdout, '1')).toBe(300);
}, 240_000);
