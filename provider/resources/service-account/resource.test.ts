// End to end: the real terraform CLI drives the bundled provider against a real API on a real
// PostgreSQL. One working directory walks two service accounts through their whole life (the
// scenarios build on each other, in order); then the documented example is applied as it is.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exampleFiles, providerScenario, unwrap, VERSIONS_TF, type TerraformSession } from '../../../test/provider/terraform-session';

jest.setTimeout(240_000);

const CI = 'tessera_service_account.ci';
const COLLECTOR = 'tessera_service_account.collector';

const scenario = providerScenario();
let tf: TerraformSession;
let teamA: string;
let teamB: string;

/** The configuration under test: `ci` rotates and manages its teams; `collector` never expires and leaves its teams alone. */
function config(ci: { name: string; teams: string[] }): Record<string, string> {
  return {
    'versions.tf': VERSIONS_TF,
    'main.tf': `
resource "tessera_service_account" "ci" {
  name               = "${ci.name}"
  expiration_days    = 90
  rotate_before_days = 14
  team_ids           = [${ci.teams.map((t) => `"${t}"`).join(', ')}]

  lifecycle {
    create_before_destroy = true
  }
}

resource "tessera_service_account" "collector" {
  name = "metrics-collector"
}

output "ci_token" {
  value     = tessera_service_account.ci.token
  sensitive = true
}
`,
  };
}

async function writeConfig(ci: { name: string; teams: string[] }): Promise<void> {
  for (const [name, text] of Object.entries(config(ci))) await tf.writeFile(name, text);
}

async function createTeam(name: string, role: string): Promise<string> {
  const res = await scenario.api.request('POST', '/api/v1/teams', { token: scenario.api.adminToken, body: { name, role } });
  expect(res.status).toBe(201);
  return (res.json as { id: string }).id;
}

async function account(id: string): Promise<{ status: number; json: { name: string; team_ids: string[] } }> {
  const res = await scenario.api.request('GET', `/api/v1/service-accounts/${id}`, { token: scenario.api.adminToken });
  return { status: res.status, json: res.json as { name: string; team_ids: string[] } };
}

async function meStatus(token: string): Promise<number> {
  return (await scenario.api.request('GET', '/api/v1/me', { token })).status;
}

/** GET /api/v1/me until it answers `expected` or 3 s have passed (verified credentials are cached for up to 1 s). */
async function eventualMeStatus(token: string, expected: number): Promise<number> {
  const deadline = Date.now() + 3_000;
  let last = await meStatus(token);
  while (last !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await meStatus(token);
  }
  return last;
}

beforeAll(async () => {
  teamA = await createTeam('ci-readers', 'ReadOnly');
  teamB = await createTeam('ci-members', 'Member');
  tf = await scenario.session(config({ name: 'ci-pipeline', teams: [teamA] }));
});

describe('tessera_service_account with the real terraform CLI', () => {
  it('plans the creation with the secret hidden', async () => {
    const plan = await tf.plan();
    expect(plan.changes).toBe(true);
    expect(plan.stdout).toContain(`${CI} will be created`);
    expect(plan.stdout).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');
    expect(plan.stdout).toMatch(/token\s+= \(sensitive value\)/);
  });

  it('applies; the token authenticates as the service account, with its team', async () => {
    await tf.apply();
    const token = await tf.output('ci_token');
    expect(token).toMatch(/^tssvc_[0-9A-Za-z]{36}$/);
    const me = await scenario.api.request('GET', '/api/v1/me', { token });
    expect(me.status).toBe(200);
    const values = await tf.attributes(CI);
    expect(me.json).toMatchObject({ service_account: { id: values.id, name: 'ci-pipeline' } });
    expect((me.json as { teams: Array<{ id: string; role: string }> }).teams).toEqual([
      expect.objectContaining({ id: teamA, role: 'ReadOnly' }),
    ]);
    expect(values).toMatchObject({ name: 'ci-pipeline', expiration_days: 90, rotate_before_days: 14, team_ids: [teamA], token });
    expect(values.token_hint).toBe(`tssvc_…${token.slice(-4)}`);
    expect(Date.parse(values.expires_at as string) - Date.parse(values.created_at as string)).toBe(90 * 86_400_000);
    const collector = await tf.attributes(COLLECTOR);
    expect(collector).toMatchObject({ name: 'metrics-collector', expiration_days: null, expires_at: null, team_ids: [] });
    expect((await account(values.id as string)).json.team_ids).toEqual([teamA]);
  });

  it('plans nothing right after apply', async () => {
    const plan = await tf.plan();
    expect(plan.changes).toBe(false);
    expect(plan.stdout).toContain('No changes.');
  });

  it('renames and moves the account between teams in place: same id, same token', async () => {
    const before = await tf.attributes(CI);
    await writeConfig({ name: 'ci-pipeline-2', teams: [teamB] });
    const plan = await tf.plan();
    expect(plan.stdout).toContain(`${CI} will be updated in-place`);
    expect(plan.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
    await tf.apply();
    const after = await tf.attributes(CI);
    expect(after).toMatchObject({ id: before.id, token: before.token, name: 'ci-pipeline-2', team_ids: [teamB] });
    expect((await account(before.id as string)).json).toMatchObject({ name: 'ci-pipeline-2', team_ids: [teamB] });
    expect((await tf.plan()).changes).toBe(false);
  });

  it('shows a membership removed outside Terraform as a change, and restores it', async () => {
    const { id } = await tf.attributes(CI);
    const removed = await scenario.api.request('DELETE', `/api/v1/teams/${teamB}/service-accounts/${id as string}`, {
      token: scenario.api.adminToken,
    });
    expect(removed.status).toBe(204);
    const plan = await tf.plan();
    expect(plan.changes).toBe(true);
    expect(plan.stdout).toContain(`${CI} will be updated in-place`);
    await tf.apply();
    expect((await account(id as string)).json.team_ids).toEqual([teamB]);
  });

  it('leaves the teams of an account without team_ids alone', async () => {
    const { id } = await tf.attributes(COLLECTOR);
    const added = await scenario.api.request('PUT', `/api/v1/teams/${teamA}/service-accounts/${id as string}`, {
      token: scenario.api.adminToken,
    });
    expect(added.status).toBe(204);
    const plan = await tf.plan();
    expect(plan.changes).toBe(false);
    // The refreshed state shows the membership made elsewhere; nothing tries to undo it.
    await tf.apply();
    expect((await tf.attributes(COLLECTOR)).team_ids).toEqual([teamA]);
  });

  it('replaces an account inside its rotation window, creating the new one before deleting the old', async () => {
    const old = await tf.attributes(CI);
    await scenario.api.sql("UPDATE tokens SET expires_at = now() + interval '3 days' WHERE service_account_id = $1", [old.id]);
    const plan = await tf.plan();
    expect(plan.changes).toBe(true);
    expect(plan.stdout).toContain(`${CI} must be replaced`);
    expect(plan.stdout).toContain('+/- create replacement and then destroy');
    expect(plan.stdout).toMatch(/expires_at\s+= "[^"]+" -> \(known after apply\) # forces replacement/);
    const apply = await tf.apply();
    const created = apply.stdout.indexOf(`${CI}: Creation complete`);
    const destroyed = apply.stdout.indexOf(`${CI} (deposed object`);
    expect(created).toBeGreaterThan(-1);
    expect(destroyed).toBeGreaterThan(created);
    const fresh = await tf.attributes(CI);
    expect(fresh.id).not.toBe(old.id);
    expect(fresh).toMatchObject({ name: 'ci-pipeline-2', team_ids: [teamB] });
    expect((await account(fresh.id as string)).json.team_ids).toEqual([teamB]);
    expect((await account(old.id as string)).status).toBe(404);
    expect(await meStatus(fresh.token as string)).toBe(200);
    expect(await eventualMeStatus(old.token as string, 401)).toBe(401);
    expect((await tf.plan()).changes).toBe(false);
  });

  it('replaces an expired account, with a warning saying it expired', async () => {
    const old = await tf.attributes(COLLECTOR);
    // The collector has no expiry; give its token one in the past, in the database and state alike.
    const expiresAt = new Date(Date.now() - 60_000).toISOString();
    await scenario.api.sql('UPDATE tokens SET expires_at = $2 WHERE service_account_id = $1', [old.id, expiresAt]);
    const plan = await tf.plan();
    expect(plan.changes).toBe(true);
    const out = unwrap(plan.stdout + plan.stderr);
    expect(out).toContain('Warning: Service account token expired');
    expect(out).toContain(`${COLLECTOR} must be replaced`);
    await tf.apply();
    const fresh = await tf.attributes(COLLECTOR);
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.expires_at).toBeNull();
    expect((await account(old.id as string)).status).toBe(404);
  });

  it('recreates an account deleted outside Terraform, with a warning saying so', async () => {
    const before = await tf.attributes(COLLECTOR);
    const deleted = await scenario.api.request('DELETE', `/api/v1/service-accounts/${before.id as string}`, {
      token: scenario.api.adminToken,
    });
    expect(deleted.status).toBe(204);
    const plan = await tf.plan();
    expect(plan.changes).toBe(true);
    const out = unwrap(plan.stdout + plan.stderr);
    expect(out).toContain('Warning: Service account no longer exists');
    expect(out).toContain(`(id ${before.id as string}) no longer exists in Tessera`);
    expect(out).toContain(`${COLLECTOR} will be created`);
    await tf.apply();
    const after = await tf.attributes(COLLECTOR);
    expect(after.id).not.toBe(before.id);
    expect(await meStatus(after.token as string)).toBe(200);
  });

  it('imports by id with terraform import; the next plan is empty and token is null', async () => {
    const { id } = await tf.attributes(COLLECTOR);
    await tf.runOk(['state', 'rm', '-no-color', COLLECTOR]);
    const imported = await tf.runOk(['import', '-no-color', '-input=false', COLLECTOR, id as string]);
    expect(imported.stdout).toContain('Import successful!');
    expect(await tf.attributes(COLLECTOR)).toMatchObject({ id, name: 'metrics-collector', expiration_days: null, token: null });
    const plan = await tf.plan();
    expect(plan.changes).toBe(false);
  });

  it('imports the rotating account with an import {} block (recording rotate_before_days, which lives in state only); the plan after apply is empty', async () => {
    const { id } = await tf.attributes(CI);
    await tf.runOk(['state', 'rm', '-no-color', CI]);
    await tf.writeFile('import.tf', `import {\n  to = ${CI}\n  id = "${id as string}"\n}\n`);
    const plan = await tf.plan();
    expect(plan.stdout).toContain(`${CI}: Preparing import... [id=${id as string}]`);
    // rotate_before_days is not an API value: the import plans it into the state (no API call).
    expect(plan.stdout).toContain('Plan: 1 to import, 0 to add, 1 to change, 0 to destroy.');
    expect(plan.stdout).toMatch(/\+ rotate_before_days = 14/);
    expect(plan.stdout).not.toContain('must be replaced');
    await tf.apply();
    expect(await tf.attributes(CI)).toMatchObject({ id, expiration_days: 90, rotate_before_days: 14, token: null, team_ids: [teamB] });
    expect((await tf.plan()).changes).toBe(false);
  });

  it('refuses a bad import id and bad settings at plan, naming the attribute', async () => {
    const bad = await tf.run(['import', '-no-color', '-input=false', COLLECTOR, 'not-an-id']);
    expect(bad.code).not.toBe(0);
    await tf.writeFile(
      'bad.tf',
      'resource "tessera_service_account" "bad" {\n  name               = "bad"\n  expiration_days    = 4000\n  rotate_before_days = 5\n  team_ids           = ["nope"]\n}\n',
    );
    const plan = await tf.run(['plan', '-no-color', '-input=false']);
    expect(plan.code).toBe(1);
    const out = unwrap(plan.stderr);
    expect(out).toContain('Error: Invalid expiration_days');
    expect(out).toContain('expiration_days is 4000');
    expect(out).toContain('expiration_days = 4000');
    expect(out).toContain('Error: Invalid team_ids');
    expect(out).toContain('"nope" is not a team id');
    await tf.writeFile('bad.tf', 'resource "tessera_service_account" "bad" {\n  name               = "bad"\n  rotate_before_days = 5\n}\n');
    const noExpiry = await tf.run(['plan', '-no-color', '-input=false']);
    expect(unwrap(noExpiry.stderr)).toContain('Error: rotate_before_days needs expiration_days');
    expect(unwrap(noExpiry.stderr)).toContain('rotate_before_days = 5');
    await tf.writeFile('bad.tf', '');
  });

  it('destroys, deleting the accounts and so revoking their tokens', async () => {
    const ci = await tf.attributes(CI);
    const collector = await tf.attributes(COLLECTOR);
    const destroy = await tf.runOk(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expect(destroy.stdout).toContain('Destroy complete! Resources: 2 destroyed.');
    expect((await account(ci.id as string)).status).toBe(404);
    expect((await account(collector.id as string)).status).toBe(404);
    expect(await eventualMeStatus(collector.token as string, 401)).toBe(401);
    expect((await tf.runOk(['state', 'list'])).stdout.trim()).toBe('');
  });
});

describe('the documented example', () => {
  let example: TerraformSession;
  let token: string;

  it('applies: a team and a rotating service account in it, with no secret in a TF_LOG=trace log; a re-plan is empty', async () => {
    example = await scenario.session(exampleFiles(join(__dirname, 'example')));
    const logPath = join(example.dir, 'trace.log');
    const apply = await example.apply([], { TF_LOG: 'trace', TF_LOG_PATH: logPath });
    token = await example.output('deploy_token');
    const me = await scenario.api.request('GET', '/api/v1/me', { token });
    expect(me.status).toBe(200);
    expect((me.json as { teams: Array<{ name: string; role: string }> }).teams).toEqual([
      expect.objectContaining({ name: 'deployers', role: 'Member' }),
    ]);
    const log = await readFile(logPath, 'utf8');
    expect(log.length).toBeGreaterThan(10_000);
    for (const secret of [token, scenario.api.adminToken]) {
      expect(log).not.toContain(secret);
      expect(apply.stdout + apply.stderr).not.toContain(secret);
    }
    expect((await example.plan()).changes).toBe(false);
  });

  it('when the team is deleted outside Terraform, recreates it and moves the account into the new team in place', async () => {
    const before = await example.attributes('tessera_service_account.deploy');
    const team = await example.attributes('tessera_team.deployers');
    const deleted = await scenario.api.request('DELETE', `/api/v1/teams/${team.id as string}`, { token: scenario.api.adminToken });
    expect(deleted.status).toBe(204);
    const plan = await example.plan();
    expect(plan.stdout).toContain('tessera_team.deployers will be created');
    expect(plan.stdout).toContain('tessera_service_account.deploy will be updated in-place');
    await example.apply();
    const after = await example.attributes('tessera_service_account.deploy');
    const newTeam = await example.attributes('tessera_team.deployers');
    expect(after).toMatchObject({ id: before.id, token: before.token, team_ids: [newTeam.id] });
    expect((await account(after.id as string)).json.team_ids).toEqual([newTeam.id]);
    expect((await example.plan()).changes).toBe(false);
  });

  it('destroy removes both; the token stops working', async () => {
    await example.runOk(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expect(await eventualMeStatus(token, 401)).toBe(401);
  });
});
