// `tessera tokens` against a real API: create → list → get → revoke round trips in both output
// formats, the JSON shapes, --quiet, Idempotency-Key replays and a retried create after a lost
// answer, revoke-all's refusal without a terminal, and no secret in --debug output or errors.
import { startTestApi, type TestApi, type TestUser } from '../support/api-server';
import { loseFirstCreate } from '../client/lose-first-create';
import { startFaultProxy } from '../support/fault-proxy';
import { version } from '../../package.json';
import { buildTestCli, documentedSchema, type BuiltCli } from './support/cli';

let api: TestApi;
let cli: BuiltCli;

beforeAll(async () => {
  [api, cli] = await Promise.all([startTestApi(), buildTestCli()]);
}, 120_000);

afterAll(async () => {
  cli?.remove();
  await api?.stop();
});

const SECRET = /^tspat_[0-9A-Za-z]{36}$/;

async function userEnv(): Promise<{ user: TestUser; env: NodeJS.ProcessEnv }> {
  const user = await api.createUserWithToken({ team: 'Developers', role: 'Member' });
  return { user, env: { TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: user.token } };
}

test('create → list → get → revoke, as tables', async () => {
  const { env } = await userEnv();
  const created = await cli.run(['tokens', 'create', '--name', 'laptop', '--days', '7'], { env });
  expect(created.code).toBe(0);
  const secret = /^Secret: +(\S+)$/m.exec(created.stdout)?.[1] ?? '';
  const id = /^ID: +(\S+)$/m.exec(created.stdout)?.[1] ?? '';
  expect(secret).toMatch(SECRET);
  expect(created.stdout).toMatch(/^Expires: +\d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 6 days\)$/m);
  expect(created.stderr).toContain('Copy the token now: it is shown once and cannot be shown again.');

  // The new secret works on the API.
  const me = await fetch(`${api.url}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  expect(me.status).toBe(200);

  const list = await cli.run(['tokens', 'list'], { env });
  expect(list.code).toBe(0);
  const lines = list.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^ID +NAME +TOKEN +CREATED +EXPIRES +LAST USED$/);
  expect(lines.find((line) => line.startsWith(id))).toMatch(new RegExp(`^${id} +laptop +tspat_…${secret.slice(-4)} `));
  expect(list.stdout).not.toContain(secret);
  expect(list.stdout).not.toContain('\u001b['); // not a terminal: no colour

  const get = await cli.run(['tokens', 'get', id], { env });
  expect(get.code).toBe(0);
  expect(get.stdout).toMatch(/^Name: +laptop$/m);
  expect(get.stdout).toMatch(/^Lifetime: +7 days$/m);
  expect(get.stdout).toMatch(/^Last used: +\d{4}-/m);

  const revoke = await cli.run(['tokens', 'revoke', id], { env });
  expect(revoke).toMatchObject({ code: 0, stdout: '' });
  expect(revoke.stderr).toContain(`Revoked token ${id}.`);
  expect((await fetch(`${api.url}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } })).status).toBe(401);
  const after = await cli.run(['tokens', 'list'], { env });
  expect(after.stdout).not.toContain(id);
});

test('create → list → get → revoke with --output json: stable documented shapes', async () => {
  const { env } = await userEnv();
  const created = await cli.run(['-o', 'json', 'tokens', 'create', '--name', 'ci', '--days', '2'], { env });
  expect(created.code).toBe(0);
  // The API's objects, exactly as its OpenAPI document describes them.
  const createdSchema = await documentedSchema(api.url, 'CreatedPersonalAccessToken');
  const tokenSchema = await documentedSchema(api.url, 'PersonalAccessToken');
  const token = JSON.parse(created.stdout) as Record<string, unknown>;
  expect(Object.keys(token).sort()).toEqual(createdSchema.properties);
  expect(token).toMatchObject({
    name: 'ci',
    expiration_days: 2,
    token: expect.stringMatching(SECRET),
    created_via: `tessera-cli/${version}`,
  });

  const list = await cli.run(['tokens', 'list', '--output', 'json'], { env });
  const tokens = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
  expect(Array.isArray(tokens)).toBe(true);
  for (const item of tokens) expect(Object.keys(item).sort()).toEqual(tokenSchema.properties);
  expect(tokens.map((item) => item.id)).toContain(token.id);

  const get = await cli.run(['tokens', 'get', String(token.id), '-o', 'json'], { env });
  const one = JSON.parse(get.stdout) as Record<string, unknown>;
  expect(Object.keys(one).sort()).toEqual(tokenSchema.properties);
  expect(one).toMatchObject({ id: token.id, name: 'ci', token_hint: `tspat_…${String(token.token).slice(-4)}` });

  const revoke = await cli.run(['tokens', 'revoke', String(token.id), '-o', 'json'], { env });
  expect(JSON.parse(revoke.stdout)).toEqual({ id: token.id, revoked: true });
});

test('list --created-via and --client-reference filter on the markers a client set at create', async () => {
  const { user, env } = await userEnv();
  const viaProvider = (reference: string) =>
    api.request('POST', '/api/v1/personal-access-tokens', {
      token: user.token,
      body: { name: 'from-terraform', expiration_days: 1, created_via: 'terraform-provider-tessera/0.1.0', client_reference: reference },
    });
  const ids = [(await viaProvider('ref-one')).json['id'], (await viaProvider('ref-two')).json['id']];
  const byCli = JSON.parse((await cli.run(['-o', 'json', 'tokens', 'create', '--name', 'by-hand', '--days', '1'], { env })).stdout) as {
    id: string;
  };
  const listed = async (...args: string[]) =>
    (JSON.parse((await cli.run(['tokens', 'list', '-o', 'json', ...args], { env })).stdout) as Array<{ id: string }>)
      .map((t) => t.id)
      .sort();
  expect(await listed('--created-via', 'terraform-provider-tessera/0.1.0')).toEqual([...ids].sort());
  expect(await listed('--created-via', `tessera-cli/${version}`)).toEqual([byCli.id]);
  expect(await listed('--client-reference', 'ref-two')).toEqual([ids[1]]);
  expect(await listed('--created-via', 'terraform-provider-tessera/9.9.9')).toEqual([]);
  expect((await listed()).length).toBe(4); // and the user's own token
});

test('--quiet prints only the secret, for a pipe', async () => {
  const { env } = await userEnv();
  const quiet = await cli.run(['tokens', 'create', '--name', 'pipe', '--days', '1', '-q'], { env });
  expect(quiet).toMatchObject({ code: 0, stderr: '' });
  expect(quiet.stdout).toMatch(/^tspat_[0-9A-Za-z]{36}\n$/);
});

test('the same --idempotency-key returns the same token instead of a second one', async () => {
  const { env } = await userEnv();
  const key = `retry-${Date.now()}`;
  const args = ['tokens', 'create', '--name', 'deploy', '--days', '3', '--idempotency-key', key, '-o', 'json'];
  const first = JSON.parse((await cli.run(args, { env })).stdout) as { id: string; token: string };
  const second = JSON.parse((await cli.run(args, { env })).stdout) as { id: string; token: string };
  expect(second).toEqual(first);
  const list = JSON.parse((await cli.run(['tokens', 'list', '-o', 'json'], { env })).stdout) as Array<{ name: string }>;
  expect(list.filter((item) => item.name === 'deploy')).toHaveLength(1);

  const changed = await cli.run(['tokens', 'create', '--name', 'other', '--days', '3', '--idempotency-key', key], { env });
  expect(changed.code).toBe(1);
  expect(changed.stderr).toMatch(/\(HTTP 409\)/);
});

test('a create whose answer is lost is retried with the same key: one token, shown once', async () => {
  const { user } = await userEnv();
  const proxy = await startFaultProxy(api.url, loseFirstCreate());
  try {
    const result = await cli.run(['--debug', 'tokens', 'create', '--name', 'flaky', '--days', '1', '-o', 'json'], {
      env: { TESSERA_ENDPOINT: proxy.url, TESSERA_API_TOKEN: user.token },
    });
    expect(result.code).toBe(0);
    expect(proxy.requests.map((r) => r.mode)).toEqual(['forward-reset', 'forward']);
    expect(result.stderr).toContain('! no response');
    expect(result.stderr).toContain('(try 2)');
    expect(result.stderr).toMatch(/< idempotent-replayed: true/);
    const created = JSON.parse(result.stdout) as { id: string; token: string };
    expect(result.stderr).not.toContain(created.token);
  } finally {
    await proxy.stop();
  }
  const list = JSON.parse(
    (await cli.run(['tokens', 'list', '-o', 'json'], { env: { TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: user.token } })).stdout,
  ) as Array<{ name: string }>;
  expect(list.filter((item) => item.name === 'flaky')).toHaveLength(1);
});

test('--debug shows the exchanges with every secret redacted', async () => {
  const home = cli.home();
  const { user } = await userEnv();
  expect((await cli.run(['login', '--endpoint', api.url, '--with-token'], { home, input: user.token })).code).toBe(0);
  const result = await cli.run(['--debug', 'tokens', 'create', '--name', 'debugged', '--days', '1', '-o', 'json'], { home });
  expect(result.code).toBe(0);
  const created = JSON.parse(result.stdout) as { token: string };
  expect(result.stderr).toContain(`* POST ${api.url}/api/v1/personal-access-tokens`);
  expect(result.stderr).toContain('> Authorization: Bearer [redacted]');
  expect(result.stderr).toMatch(/> Idempotency-Key: [0-9a-f-]{36}/);
  expect(result.stderr).toContain('< 201 Created');
  expect(result.stderr).toContain('"token":"[redacted]"');
  expect(result.stderr).not.toContain(created.token);
  expect(result.stderr).not.toContain(user.token);
  expect(result.stderr).not.toMatch(/ts(pat|svc)_[0-9A-Za-z]{36}/);

  // --debug with a refused token and a login: still nothing secret on stderr.
  const refused = await cli.run(['--debug', 'login', '--endpoint', api.url, '--with-token'], {
    home: cli.home(),
    input: 'tspat_' + 'A'.repeat(36),
  });
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain('< 401');
  expect(refused.stderr).not.toContain('A'.repeat(36));
});

test('revoke-all refuses without --yes when not on a terminal; with --yes it revokes every token', async () => {
  const { user, env } = await userEnv();
  for (const name of ['one', 'two'])
    expect((await cli.run(['tokens', 'create', '--name', name, '--days', '1', '-q'], { env })).code).toBe(0);
  const refused = await cli.run(['tokens', 'revoke-all'], { env });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('refusing to revoke all your tokens without confirmation');
  expect(refused.stderr).toContain('hint: pass --yes');
  expect((await fetch(`${api.url}/api/v1/me`, { headers: { Authorization: `Bearer ${user.token}` } })).status).toBe(200);

  const done = await cli.run(['tokens', 'revoke-all', '--yes', '-o', 'json'], { env });
  expect(done.code).toBe(0);
  expect(JSON.parse(done.stdout)).toEqual({ revoked_count: 3 });
  expect(done.stderr).toContain('The token in TESSERA_API_TOKEN was among them.');
  expect((await fetch(`${api.url}/api/v1/me`, { headers: { Authorization: `Bearer ${user.token}` } })).status).toBe(401);
});
