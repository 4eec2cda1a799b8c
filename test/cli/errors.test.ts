// Exit codes and error messages of the built `tessera` against a real API: 401 → 3 with a hint,
// 403 → 4, 422 → 1 with every field error, 404 → 1, a refused connection → 1 naming the
// endpoint, usage mistakes → 2. No secret appears in any of them.
import net from 'node:net';
import { startTestApi, type TestApi } from '../support/api-server';
import { buildTestCli, type BuiltCli } from './support/cli';

let api: TestApi;
let cli: BuiltCli;

beforeAll(async () => {
  [api, cli] = await Promise.all([startTestApi(), buildTestCli()]);
}, 120_000);

afterAll(async () => {
  cli?.remove();
  await api?.stop();
});

const envFor = (token: string): NodeJS.ProcessEnv => ({ TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: token });

test('401: a revoked token exits 3 with a hint on how to fix it', async () => {
  const user = await api.createUserWithToken();
  await fetch(`${api.url}/api/v1/personal-access-tokens/${user.tokenId}`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${api.adminToken}` },
  });
  const viaEnvironment = await cli.run(['tokens', 'list'], { env: envFor(user.token) });
  expect(viaEnvironment).toMatchObject({ code: 3, stdout: '' });
  expect(viaEnvironment.stderr).toMatch(/^error: authentication failed \(HTTP 401\): /m);
  expect(viaEnvironment.stderr).toContain('hint: the token in TESSERA_API_TOKEN is missing, expired or revoked');
  expect(viaEnvironment.stderr).not.toContain(user.token);

  // The same token stored in a profile: the hint says to log in again with that profile.
  const other = await api.createUserWithToken();
  const home = cli.home();
  expect((await cli.run(['login', '--profile', 'work', '--endpoint', api.url, '--with-token'], { home, input: other.token })).code).toBe(0);
  await fetch(`${api.url}/api/v1/personal-access-tokens/${other.tokenId}`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${api.adminToken}` },
  });
  const viaProfile = await cli.run(['whoami', '--profile', 'work'], { home });
  expect(viaProfile.code).toBe(3);
  expect(viaProfile.stderr).toContain(
    'hint: the token of profile "work" is missing, expired or revoked: log in again with `tessera login --profile work`',
  );
});

test('403: an operation the roles do not allow exits 4', async () => {
  const member = await api.createUserWithToken({ team: 'Developers', role: 'Member' });
  const result = await cli.run(['users', 'create', '--email', 'new@example.test', '--name', 'New'], { env: envFor(member.token) });
  expect(result).toMatchObject({ code: 4, stdout: '' });
  expect(result.stderr).toMatch(/^error: permission denied \(HTTP 403\): \S/m);
  expect(result.stderr).toContain('hint: the roles of your teams do not allow this');
});

test('422: the problem detail and every field error are printed plainly, exit 1', async () => {
  const result = await cli.run(['tokens', 'create', '--name', ' ', '--days', '31'], { env: envFor(api.adminToken) });
  expect(result).toMatchObject({ code: 1, stdout: '' });
  expect(result.stderr).toMatch(/^error: .*\(HTTP 422\)$/m);
  expect(result.stderr).toMatch(/^ {2}name: \S.*$/m);
  expect(result.stderr).toMatch(/^ {2}expiration_days: must be an integer between 1 and 30$/m);
  expect(result.stderr).not.toContain('    at '); // no stack trace
});

test("404: an unknown id exits 1 with the API's detail", async () => {
  const result = await cli.run(['tokens', 'get', '00000000-0000-4000-8000-000000000000'], { env: envFor(api.adminToken) });
  expect(result).toMatchObject({ code: 1, stdout: '' });
  expect(result.stderr).toMatch(/^error: .+ \(HTTP 404\)$/m);
  const team = await cli.run(['teams', 'get', 'no-such-team'], { env: envFor(api.adminToken) });
  expect(team.code).toBe(1);
  expect(team.stderr).toContain('error: no team named no-such-team');
});

test('a refused connection exits 1 and names the endpoint it tried', async () => {
  const port = await closedPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const result = await cli.run(['whoami'], { env: { TESSERA_ENDPOINT: endpoint, TESSERA_API_TOKEN: api.adminToken } });
  expect(result).toMatchObject({ code: 1, stdout: '' });
  expect(result.stderr).toContain(`error: cannot reach the Tessera API at ${endpoint}: connection refused`);
  expect(result.stderr).toContain(`tried ${endpoint}/api/v1/me`);
  expect(result.stderr).not.toContain(api.adminToken);
});

test('usage mistakes exit 2: unknown command or option, missing or malformed values', async () => {
  const env = envFor(api.adminToken);
  const cases: Array<[string[], RegExp]> = [
    [['tokens', 'frobnicate'], /unknown command 'frobnicate'/],
    [['tokens', 'list', '--colour'], /unknown option '--colour'/],
    [['tokens', 'create', '--name', 'x'], /required option '--days <days>' not specified/],
    [['tokens', 'create', '--name', 'x', '--days', 'soon'], /must be a whole number of days/],
    [['--output', 'yaml', 'whoami'], /Allowed choices are table, json/],
    [['teams', 'set-role', 'Developers', 'Owner'], /Allowed choices are SysAdmin, Member, ReadOnly/],
    [['audit', 'list', '--since', 'yesterday'], /give a duration such as 30m/],
    [['tokens'], /Usage: tessera tokens/],
  ];
  for (const [args, message] of cases) {
    const result = await cli.run(args, { env });
    expect({ args, code: result.code }).toEqual({ args, code: 2 });
    expect(result.stderr).toMatch(message);
  }
  const help = await cli.run(['tokens', 'create', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Usage: tessera tokens create [options]');
  expect(help.stdout).toContain('With --output json: the `CreatedPersonalAccessToken` object');
  const version = await cli.run(['--version']);
  expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
