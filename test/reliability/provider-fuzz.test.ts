// CI slice of fuzz:provider; it reuses this jest run's test PostgreSQL for the API the provider calls.
// The hang limit is 5 s here, not the suite's 1 s goal: CI runs other test files on the same two
// cores meanwhile, and an RPC that calls the API (configure, read, apply) then takes over 1 s now
// and then. A real hang (the provider stuck) is caught either way; the full-size run holds 1 s.
import { row, runScript } from './slice-run';

test('fuzz:provider, 3000 cases in process and over the gRPC socket: no crash, hang or silent acceptance', async () => {
  const result = await runScript('provider-fuzz.ts', ['--cases', '3000', '--seed', '14', '--socket-share', '0.02', '--hang-ms', '5000']);
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
