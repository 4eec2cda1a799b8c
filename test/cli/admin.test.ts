// The administration commands of the built `tessera` against a real API, as a SysAdmin: users,
// teams and memberships, service accounts (secret shown once), the audit trail with --since,
// and the token policy; each in both output formats.
import { startTestApi, type TestApi } from '../support/api-server';
import { buildTestCli, documentedSchema, type BuiltCli } from './support/cli';

let api: TestApi;
let cli: BuiltCli;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  [api, cli] = await Promise.all([startTestApi(), buildTestCli()]);
  env = { TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: api.adminToken };
}, 120_000);

afterAll(async () => {
  cli?.remove();
  await api?.stop();
});

async function json<T>(args: string[]): Promise<T> {
  const result = await cli.run([...args, '-o', 'json'], { env });
  if (result.code !== 0) throw new Error(`tessera ${args.join(' ')} exited ${String(result.code)}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

interface User {
  id: string;
  email: string;
  name: string;
  active: boolean;
  teams: Array<{ name: string; role: string }>;
}

interface TeamDetail {
  id: string;
  name: string;
  role: string;
  member_count: number;
  members: Array<{ id: string; email: string }>;
}

test('users: create, list, get by email, deactivate (tokens stop working) and activate', async () => {
  const created = await json<User>(['users', 'create', '--email', 'Erin@Example.test', '--name', 'Erin']);
  expect(Object.keys(created).sort()).toEqual((await documentedSchema(api.url, 'User')).properties);
  expect(created).toMatchObject({ email: 'erin@example.test', name: 'Erin', active: true, teams: [] });

  const table = await cli.run(['users', 'list'], { env });
  expect(table.stdout.split('\n')[0]).toMatch(/^ID +EMAIL +NAME +ACTIVE +TEAMS$/);
  expect(table.stdout).toMatch(new RegExp(`^${created.id} +erin@example.test +Erin +yes +-$`, 'm'));
  expect((await json<User[]>(['users', 'list'])).map((user) => user.email)).toEqual(
    expect.arrayContaining(['admin@tessera.localhost', 'erin@example.test']),
  );

  const shown = await cli.run(['users', 'get', 'erin@example.test'], { env });
  expect(shown.stdout).toMatch(/^Name: +Erin$/m);
  expect(shown.stdout).toMatch(new RegExp(`^ID: +${created.id}$`, 'm'));

  const worker = await api.createUserWithToken({ team: 'Workers', role: 'Member' });
  const deactivated = await json<User>(['users', 'deactivate', worker.email]);
  expect(deactivated.active).toBe(false);
  expect((await fetch(`${api.url}/api/v1/me`, { headers: { Authorization: `Bearer ${worker.token}` } })).status).toBe(401);
  // A SysAdmin lists another user's tokens by email.
  const theirs = await json<Array<{ id: string }>>(['tokens', 'list', '--user', worker.email]);
  expect(theirs.map((token) => token.id)).toEqual([worker.tokenId]);
  const activated = await cli.run(['users', 'activate', worker.id], { env });
  expect(activated.code).toBe(0);
  expect(activated.stderr).toContain(`Activated user ${worker.email}.`);
  expect((await fetch(`${api.url}/api/v1/me`, { headers: { Authorization: `Bearer ${worker.token}` } })).status).toBe(200);

  const duplicate = await cli.run(['users', 'create', '--email', 'erin@example.test', '--name', 'Erin again'], { env });
  expect(duplicate.code).toBe(1);
  expect(duplicate.stderr).toMatch(/\(HTTP 409\)/);
});

test('teams: create, add-member by name and email, set-role (applies at once), remove-member', async () => {
  const team = await json<TeamDetail>(['teams', 'create', '--name', 'Platform', '--role', 'ReadOnly']);
  expect(team).toMatchObject({ name: 'Platform', role: 'ReadOnly', member_count: 0, members: [] });
  const user = await api.createUserWithToken();

  const added = await json<TeamDetail>(['teams', 'add-member', 'platform', user.email]);
  expect(added.members.map((member) => member.id)).toEqual([user.id]);
  // A ReadOnly member may read users but not create them.
  const asMember = { TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: user.token };
  expect((await cli.run(['users', 'create', '--email', 'x@example.test', '--name', 'X'], { env: asMember })).code).toBe(4);

  const promoted = await json<TeamDetail>(['teams', 'set-role', team.id, 'SysAdmin']);
  expect(promoted.role).toBe('SysAdmin');
  expect((await cli.run(['users', 'create', '--email', 'x@example.test', '--name', 'X'], { env: asMember })).code).toBe(0);

  const table = await cli.run(['teams', 'list'], { env });
  expect(table.stdout).toMatch(new RegExp(`^${team.id} +Platform +SysAdmin +1 +0$`, 'm'));
  const shown = await cli.run(['teams', 'get', 'Platform'], { env });
  expect(shown.stdout).toMatch(new RegExp(`^Members: +${user.email.replace(/[.]/g, '\\.')}$`, 'm'));

  const removed = await cli.run(['teams', 'remove-member', 'Platform', user.id], { env });
  expect(removed.code).toBe(0);
  expect(removed.stderr).toContain(`Removed ${user.id} from team Platform.`);
  expect((await json<TeamDetail>(['teams', 'get', team.id])).members).toEqual([]);
});

test('service accounts: create prints the secret once, list, delete revokes it', async () => {
  const quiet = await cli.run(['service-accounts', 'create', '--name', 'ci-runner', '--days', '30', '-q'], { env });
  expect(quiet).toMatchObject({ code: 0, stderr: '' });
  const secret = quiet.stdout.trim();
  expect(secret).toMatch(/^tssvc_[0-9A-Za-z]{36}$/);

  const created = await cli.run(['service-accounts', 'create', '--name', 'collector'], { env });
  expect(created.stdout).toMatch(/^Secret: +tssvc_/m);
  expect(created.stdout).toMatch(/^Expires: +never$/m);
  expect(created.stderr).toContain('cannot be shown again');

  const accounts = await json<Array<{ id: string; name: string; token_hint: string }>>(['service-accounts', 'list']);
  const runner = accounts.find((account) => account.name === 'ci-runner');
  expect(runner?.token_hint).toBe(`tssvc_…${secret.slice(-4)}`);
  const table = await cli.run(['service-accounts', 'list'], { env });
  expect(table.stdout.split('\n')[0]).toMatch(/^ID +NAME +TOKEN +CREATED +EXPIRES +LAST USED +TEAMS$/);
  expect(table.stdout).not.toContain(secret);

  // whoami with the service account's token names the account.
  const whoami = await cli.run(['whoami'], { env: { TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: secret } });
  expect(whoami.code).toBe(0);
  expect(whoami.stdout).toMatch(/^Service account: +ci-runner$/m);
  expect(whoami.stdout).toMatch(/^Token: +service-account token [0-9a-f-]{36}$/m);

  const handshake = await fetch(`${api.url}/api/v1/collector/handshake`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${secret}` },
  });
  expect(handshake.status).toBe(200);
  expect(await json(['service-accounts', 'delete', runner?.id ?? ''])).toEqual({ id: runner?.id, deleted: true });
  const after = await fetch(`${api.url}/api/v1/collector/handshake`, { method: 'POST', headers: { Authorization: `Bearer ${secret}` } });
  expect(after.status).toBe(401);
});

test('audit list: newest first, filtered by action and --since', async () => {
  await json(['tokens', 'create', '--name', 'audited', '--days', '1']);
  const events = await json<Array<{ action: string; occurred_at: string }>>([
    'audit',
    'list',
    '--action',
    'personal_access_token.created',
    '--since',
    '10m',
  ]);
  expect(events.length).toBeGreaterThanOrEqual(1);
  expect(events.every((event) => event.action === 'personal_access_token.created')).toBe(true);
  const times = events.map((event) => event.occurred_at);
  expect([...times].sort().reverse()).toEqual(times);

  const future = new Date(Date.now() + 3_600_000).toISOString();
  expect(await json(['audit', 'list', '--since', future])).toEqual([]);
  const limited = await json<unknown[]>(['audit', 'list', '--limit', '2']);
  expect(limited).toHaveLength(2);
  const table = await cli.run(['audit', 'list', '--limit', '3'], { env });
  expect(table.stdout.split('\n')[0]).toMatch(/^TIME +ACTION +OUTCOME +ACTOR +TARGET +SOURCE IP$/);
});

test('policy needs no token', async () => {
  const policy = await cli.run(['policy', '-o', 'json'], { env: { TESSERA_ENDPOINT: api.url } });
  expect(policy.code).toBe(0);
  expect(JSON.parse(policy.stdout)).toEqual({ personal_access_token: { min_expiration_days: 1, max_expiration_days: 30 } });
  const table = await cli.run(['policy'], { env: { TESSERA_ENDPOINT: api.url } });
  expect(table.stdout).toMatch(/^Personal access tokens: +1–30 days$/m);
});

test('service accounts in teams: create --team, get, update --team/--no-teams, teams add-/remove-service-account', async () => {
  await json(['teams', 'create', '--name', 'CI Admins', '--role', 'SysAdmin']);
  const readers = await json<TeamDetail>(['teams', 'create', '--name', 'CI Readers', '--role', 'ReadOnly']);
  const created = await json<{ id: string; token: string; team_ids: string[] }>([
    'service-accounts',
    'create',
    '--name',
    'pipeline',
    '--team',
    'ci admins',
  ]);
  expect(created.team_ids).toHaveLength(1);
  const asAccount = { TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: created.token };
  // Its token has the team's role: it may create users, but never personal tokens.
  expect((await cli.run(['users', 'create', '--email', 'bot-made@example.test', '--name', 'Bot made'], { env: asAccount })).code).toBe(0);
  const pat = await cli.run(['tokens', 'create', '--name', 'x', '--days', '1'], { env: asAccount });
  expect(pat.code).toBe(4);
  expect(pat.stderr).toContain('Service accounts cannot create personal access tokens');

  const shown = await cli.run(['service-accounts', 'get', 'pipeline'], { env });
  expect(shown.stdout).toMatch(/^Teams: +CI Admins \(SysAdmin\)$/m);

  const moved = await json<{ teams: Array<{ name: string }> }>(['service-accounts', 'update', created.id, '--team', 'CI Readers']);
  expect(moved.teams.map((team) => team.name)).toEqual(['CI Readers']);
  expect((await cli.run(['users', 'create', '--email', 'bot-2@example.test', '--name', 'Bot 2'], { env: asAccount })).code).toBe(4);

  const cleared = await json<{ teams: unknown[] }>(['service-accounts', 'update', 'pipeline', '--no-teams']);
  expect(cleared.teams).toEqual([]);
  const added = await json<{ service_accounts: Array<{ id: string }> }>(['teams', 'add-service-account', readers.id, 'pipeline']);
  expect(added.service_accounts.map((account) => account.id)).toEqual([created.id]);
  const list = await cli.run(['teams', 'list'], { env });
  expect(list.stdout).toMatch(new RegExp(`^${readers.id} +CI Readers +ReadOnly +0 +1$`, 'm'));
  const removed = await cli.run(['teams', 'remove-service-account', 'CI Readers', created.id], { env });
  expect(removed.code).toBe(0);
  expect(removed.stderr).toContain(`Removed service account ${created.id} from team CI Readers.`);

  const byAccount = await json<Array<{ action: string }>>(['audit', 'list', '--service-account', created.id]);
  expect(byAccount.map((event) => event.action)).toEqual(['user.created']);

  // A name two accounts share is refused with the ids to choose from.
  await json(['service-accounts', 'create', '--name', 'pipeline']);
  const ambiguous = await cli.run(['service-accounts', 'get', 'pipeline'], { env });
  expect(ambiguous.code).toBe(1);
  expect(ambiguous.stderr).toContain('2 service accounts are named pipeline');
  expect((await cli.run(['service-accounts', 'update', created.id], { env })).code).toBe(2);
});
