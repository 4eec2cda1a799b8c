// CI slice of the soak: `npm start` with its own embedded PostgreSQL, as a user runs it.
import { row, runScript } from './slice-run';

test('soak, half a minute against npm start: no errors, RSS sampled, latency per minute', async () => {
  const result = await runScript('soak.ts', ['--minutes', '0.5', '--rate', '10']);
  expect(`${result.stdout}\n${result.stderr}`).toMatch(/RESULT PASS soak minutes=0.5 requests=300 errors=0/);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/RSS samples \(MB, every 5 s\): \d+( \d+){5,}/);
  expect(row(result.stdout, '1')).toBe(300);
}, 240_000);
