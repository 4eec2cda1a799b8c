// The built `tessera` against a real API: login from stdin, the configuration file (0600, one
// entry per profile, no secret in another profile's entry), whoami and its expiry warning,
// environment overrides, logout and logout --revoke.
import fs from 'node:fs';
import { startTestApi, type TestApi } from '../support/api-server';
import { buildTestCli, documentedSchema, readConfigFile, type BuiltCli } from './support/cli';

let api: TestApi;
let cli: BuiltCli;

beforeAll(async () => {
  [api, cli] = await Promise.all([startTestApi(), buildTestCli()]);
}, 120_000);

afterAll(async () => {
  cli?.remove();
  await api?.stop();
});

test('login --with-token checks the token with /me and stores it, mode 0600, without echoing it', async () => {
  const home = cli.home();
  const login = await cli.run(['login', '--endpoint', `${api.url}/`, '--with-token'], { home, input: `${api.adminToken}\n` });
  expect(login).toMatchObject({ code: 0, stdout: '' });
  expect(login.stderr).toContain(`Logged in to ${api.url} as admin@tessera.localhost (profile "default"`);
  expect(login.stderr).not.toContain(api.adminToken);

  expect(fs.statSync(home.configFile).mode & 0o777).toBe(0o600);
  expect(fs.statSync(`${home.configHome}/tessera`).mode & 0o777).toBe(0o700);
  const config = readConfigFile(home);
  expect(config.default_profile).toBe('default');
  expect(config.profiles['default']).toMatchObject({ endpoint: api.url, token: api.adminToken, user: 'admin@tessera.localhost' });

  const whoami = await cli.run(['whoami'], { home });
  expect(whoami.code).toBe(0);
  expect(whoami.stdout).toMatch(/^User: +Administrator <admin@tessera.localhost>$/m);
  expect(whoami.stdout).toMatch(/^Teams: +SysAdmin \(SysAdmin\)$/m);
  expect(whoami.stdout).toMatch(/^Expires: +\d{4}-\d\d-\d\d \d\d:\d\d UTC \(in \d+ hours\)$/m);
  expect(whoami.stdout).toContain(`${api.url} (profile "default")`);
  // The bootstrap token lives one day: within the three-day warning.
  expect(whoami.stderr).toMatch(/^warning: this token expires .* \(in \d+ hours\)/m);
  expect(`${whoami.stdout}${whoami.stderr}`).not.toContain(api.adminToken);
});

test("whoami --output json is the API's Me object, and a token far from expiry draws no warning", async () => {
  const user = await api.createUserWithToken({ team: 'Developers', role: 'Member', days: 30, name: 'Dana Dev' });
  const result = await cli.run(['whoami', '--output', 'json'], { env: { TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: user.token } });
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  const me = JSON.parse(result.stdout) as Record<string, unknown>;
  // A user's Me carries every required field of the documented schema (service_account is for service accounts).
  expect(Object.keys(me).sort()).toEqual((await documentedSchema(api.url, 'Me')).required);
  expect(me).toMatchObject({
    id: user.id,
    email: user.email,
    name: 'Dana Dev',
    teams: [{ id: expect.any(String), name: 'Developers', role: 'Member' }],
    authenticated_by: { type: 'personal_access_token', token_id: user.tokenId, expires_at: expect.stringMatching(/Z$/) },
  });
});

test('a refused token is not stored and exits 3; an empty stdin is a usage error', async () => {
  const home = cli.home();
  const bogus = await cli.run(['login', '--endpoint', api.url, '--with-token'], { home, input: 'tspat_not-a-real-token\n' });
  expect(bogus.code).toBe(3);
  expect(bogus.stderr).toContain(`${api.url} refused the token (HTTP 401)`);
  expect(bogus.stderr).not.toContain('tspat_not-a-real-token');
  expect(fs.existsSync(home.configFile)).toBe(false);

  const empty = await cli.run(['login', '--endpoint', api.url, '--with-token'], { home, input: '' });
  expect(empty.code).toBe(2);
  expect(empty.stderr).toContain('no token on standard input');

  const noTerminal = await cli.run(['login', '--endpoint', api.url], { home, input: api.adminToken });
  expect(noTerminal.code).toBe(2);
  expect(noTerminal.stderr).toContain('pass --with-token');
});

test("profiles keep their own tokens; no secret appears in another profile's entry", async () => {
  const home = cli.home();
  const alice = await api.createUserWithToken({ team: 'Readers', role: 'ReadOnly' });
  const bob = await api.createUserWithToken({ team: 'Readers', role: 'ReadOnly' });
  expect((await cli.run(['login', '--endpoint', api.url, '--with-token'], { home, input: alice.token })).code).toBe(0);
  expect((await cli.run(['--profile', 'bob', 'login', '--endpoint', api.url, '--with-token'], { home, input: bob.token })).code).toBe(0);

  const config = readConfigFile(home);
  expect(Object.keys(config.profiles).sort()).toEqual(['bob', 'default']);
  expect(config.default_profile).toBe('default');
  expect(JSON.stringify(config.profiles['default'])).toContain(alice.token);
  expect(JSON.stringify(config.profiles['default'])).not.toContain(bob.token);
  expect(JSON.stringify(config.profiles['bob'])).toContain(bob.token);
  expect(JSON.stringify(config.profiles['bob'])).not.toContain(alice.token);
  expect(fs.statSync(home.configFile).mode & 0o777).toBe(0o600);

  const asBob = await cli.run(['whoami', '-o', 'json'], { home, env: { TESSERA_PROFILE: 'bob' } });
  expect(JSON.parse(asBob.stdout)).toMatchObject({ email: bob.email });
  const asAlice = await cli.run(['whoami', '-o', 'json'], { home });
  expect(JSON.parse(asAlice.stdout)).toMatchObject({ email: alice.email });

  // Logging out of one profile leaves the other alone.
  const logout = await cli.run(['logout', '--profile', 'bob'], { home });
  expect(logout.code).toBe(0);
  expect(Object.keys(readConfigFile(home).profiles)).toEqual(['default']);
  expect((await cli.run(['whoami', '--profile', 'bob'], { home })).code).toBe(3);
});

test('TESSERA_API_TOKEN and TESSERA_ENDPOINT override the file; a stored token is never sent to another endpoint', async () => {
  const home = cli.home();
  const notLoggedIn = await cli.run(['whoami'], { home });
  expect(notLoggedIn.code).toBe(3);
  expect(notLoggedIn.stderr).toContain('not logged in');
  expect(notLoggedIn.stderr).toContain('hint: run `tessera login`');

  const user = await api.createUserWithToken();
  expect((await cli.run(['login', '--endpoint', api.url, '--with-token'], { home, input: api.adminToken })).code).toBe(0);
  const overridden = await cli.run(['whoami', '-o', 'json'], { home, env: { TESSERA_API_TOKEN: user.token } });
  expect(JSON.parse(overridden.stdout)).toMatchObject({ email: user.email });

  const elsewhere = await cli.run(['whoami'], { home, env: { TESSERA_ENDPOINT: 'http://127.0.0.1:9' } });
  expect(elsewhere.code).toBe(3);
  expect(elsewhere.stderr).toContain(`the token of profile "default" is for ${api.url}, not http://127.0.0.1:9`);
});

test('logout forgets the token; --revoke also revokes it on the server', async () => {
  const home = cli.home();
  const user = await api.createUserWithToken();
  expect((await cli.run(['login', '--endpoint', api.url, '--with-token'], { home, input: user.token })).code).toBe(0);

  const logout = await cli.run(['logout', '--revoke', '-o', 'json'], { home });
  expect(logout.code).toBe(0);
  expect(JSON.parse(logout.stdout)).toEqual({ profile: 'default', revoked: true });
  expect(logout.stderr).toContain('forgotten and revoked on the server');
  expect(readConfigFile(home).profiles).toEqual({});
  const me = await fetch(`${api.url}/api/v1/me`, { headers: { Authorization: `Bearer ${user.token}` } });
  expect(me.status).toBe(401);

  const again = await cli.run(['logout'], { home });
  expect(again.code).toBe(3);
  expect(again.stderr).toContain('not logged in');
});
