// CI slice of fuzz:api; it reuses this jest run's test PostgreSQL (TESSERA_TEST_PG_URL).
import { row, runScript } from './slice-run';

test('fuzz:api, 300 cases: no violation, every kind of case sent, 4xx writes checked against the data', async () => {
  const result = await runScript('api-fuzz.ts', ['--cases', '300', '--seed', '14']);
  expect(`${result.stdout}\n${result.stderr}`).toContain('RESULT PASS fuzz:api cases=300 violations=0');
  expect(result.code).toBe(0);
  for (const kind of ['valid', 'body', 'credentials', 'params', 'encoding', 'paths']) expect(row(result.stdout, kind)).toBeGreaterThan(0);
  expect(row(result.stdout, '2xx') + row(result.stdout, '4xx')).toBe(300);
  expect(Number(/checked against the data fingerprint: (\d+)/.exec(result.stdout)?.[1])).toBeGreaterThan(20);
}, 150_000);
