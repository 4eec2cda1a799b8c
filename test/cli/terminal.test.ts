// The built `tessera` in a real pseudo-terminal (util-linux `script`): the login prompt hides
// what is typed, revoke-all asks before revoking, and tables are coloured only on a terminal
// without NO_COLOR.
import fs from 'node:fs';
import { startTestApi, type TestApi } from '../support/api-server';
import { buildTestCli, readConfigFile, type BuiltCli } from './support/cli';
import { ptyUnavailable, runInPty } from './support/pty';

const missing = ptyUnavailable();
if (missing !== null && process.env.CI === 'true') throw new Error(`CLI terminal tests: ${missing}; .ci/run installs it`);
if (missing !== null) process.stderr.write(`skipping the CLI terminal tests: ${missing}\n`);
const ptyTest = missing === null ? test : test.skip;

let api: TestApi;
let cli: BuiltCli;

beforeAll(async () => {
  [api, cli] = await Promise.all([startTestApi(), buildTestCli()]);
}, 120_000);

afterAll(async () => {
  cli?.remove();
  await api?.stop();
});

ptyTest('login reads the token from a hidden prompt: it never appears on the terminal', async () => {
  const home = cli.home();
  const user = await api.createUserWithToken();
  const result = await runInPty([process.execPath, cli.bundle, 'login', '--endpoint', api.url], home.env, [
    { waitFor: 'Paste your personal access token (input hidden): ', type: `${user.token}\r` },
  ]);
  expect(result.code).toBe(0);
  expect(result.screen).toContain(`Logging in to ${api.url} (profile "default").`);
  expect(result.screen).toContain(`Logged in to ${api.url} as ${user.email}`);
  expect(result.screen).not.toContain(user.token);
  expect(result.screen).not.toContain(user.token.slice(6, 20));
  expect(readConfigFile(home).profiles['default']).toMatchObject({ token: user.token });
  expect(fs.statSync(home.configFile).mode & 0o777).toBe(0o600);
});

ptyTest('the hidden prompt can be cancelled with Ctrl-C, storing nothing', async () => {
  const home = cli.home();
  const result = await runInPty([process.execPath, cli.bundle, 'login', '--endpoint', api.url], home.env, [
    { waitFor: '(input hidden): ', type: 'tspat_half\u0003' },
  ]);
  expect(result.code).toBe(1);
  // stderr is the terminal, so "error:" is red.
  expect(result.screen).toContain('\u001b[31merror:\u001b[39m cancelled');
  expect(result.screen).not.toContain('tspat_half');
  expect(fs.existsSync(home.configFile)).toBe(false);
});

ptyTest('revoke-all asks on a terminal: "n" keeps every token, "y" revokes them', async () => {
  const user = await api.createUserWithToken();
  const env = { ...cli.home().env, TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: user.token };
  const argv = [process.execPath, cli.bundle, 'tokens', 'revoke-all'];
  const question = 'Revoke ALL your tokens, including the one this command uses? [y/N] ';

  const declined = await runInPty(argv, env, [{ waitFor: question, type: 'n\r' }]);
  expect(declined.code).toBe(0);
  expect(declined.screen).toContain('Nothing revoked.');
  expect((await fetch(`${api.url}/api/v1/me`, { headers: { Authorization: `Bearer ${user.token}` } })).status).toBe(200);

  const confirmed = await runInPty(argv, env, [{ waitFor: question, type: 'y\r' }]);
  expect(confirmed.code).toBe(0);
  expect(confirmed.screen).toContain('Revoked 1 token.');
  expect((await fetch(`${api.url}/api/v1/me`, { headers: { Authorization: `Bearer ${user.token}` } })).status).toBe(401);
});

ptyTest('tables are coloured on a terminal, and plain with NO_COLOR', async () => {
  const env = { ...cli.home().env, TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: api.adminToken };
  const coloured = await runInPty([process.execPath, cli.bundle, 'tokens', 'list'], env, []);
  expect(coloured.code).toBe(0);
  expect(coloured.screen).toContain('\u001b[1mID ');
  expect(coloured.screen).toContain('LAST USED\u001b[22m');
  const plain = await runInPty([process.execPath, cli.bundle, 'tokens', 'list'], { ...env, NO_COLOR: '1' }, []);
  expect(plain.code).toBe(0);
  expect(plain.screen).toMatch(/^ID +NAME/m);
  expect(plain.screen).not.toContain('\u001b[');
});
