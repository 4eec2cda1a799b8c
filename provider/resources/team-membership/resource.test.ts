// End to end: the real terraform CLI drives tessera_team_membership against a real API: a
// user's membership from the documented example, a service account's membership (which gives
// its token the team's role), import by id, replacement, members removed and a team deleted
// behind Terraform's back, the one-member rule, and destroy.
import { join } from 'node:path';
import type { components } from '../../../client/generated/api';
import { exampleFiles, providerScenario, unwrap, type TerraformSession } from '../../../test/provider/terraform-session';

jest.setTimeout(300_000);

type TeamDetail = components['schemas']['TeamDetail'];
type CreatedServiceAccount = components['schemas']['CreatedServiceAccount'];

const MEMBERSHIP = 'tessera_team_membership.bob_deployers';
const SA_MEMBERSHIP = 'tessera_team_membership.ci_deployers';
const TEAM = 'tessera_team.deployers';
const scenario = providerScenario();
let tf: TerraformSession;
let example: string;
let account: CreatedServiceAccount;

async function apiTeam(id: string): Promise<{ status: number; team: TeamDetail }> {
  const res = await scenario.api.request('GET', `/api/v1/teams/${id}`, { token: scenario.api.adminToken });
  return { status: res.status, team: res.json as TeamDetail };
}

async function idsOf(): Promise<{ team: string; bob: string }> {
  return {
    team: (await tf.attributes(TEAM)).id as string,
    bob: (await tf.attributes('tessera_user.bob')).id as string,
  };
}

beforeAll(async () => {
  const files = exampleFiles(join(__dirname, 'example'));
  example = files['main.tf'] ?? '';
  tf = await scenario.session(files);
  // The service account comes straight from the API: this test is about the membership.
  const created = await scenario.api.request('POST', '/api/v1/service-accounts', {
    token: scenario.api.adminToken,
    body: { name: 'ci' },
  });
  expect(created.status).toBe(201);
  account = created.json as CreatedServiceAccount;
});

describe('tessera_team_membership with the real terraform CLI', () => {
  it('applies the example: the user is a member of the team, under the id <team_id>/<user_id>', async () => {
    await tf.apply();
    const { team, bob } = await idsOf();
    expect(await tf.output('membership_id')).toBe(`${team}/${bob}`);
    expect(await tf.attributes(MEMBERSHIP)).toEqual({ id: `${team}/${bob}`, team_id: team, user_id: bob, service_account_id: null });
    expect((await apiTeam(team)).team.members.map((m) => m.id)).toEqual([bob]);
    expect((await tf.plan()).changes).toBe(false);
  });

  it('imports the membership by <team_id>/<user_id>; the next plan is empty', async () => {
    const before = await tf.attributes(MEMBERSHIP);
    await tf.runOk(['state', 'rm', '-no-color', MEMBERSHIP]);
    const imported = await tf.runOk(['import', '-no-color', '-input=false', MEMBERSHIP, before.id as string]);
    expect(imported.stdout).toContain('Import successful!');
    expect(await tf.attributes(MEMBERSHIP)).toEqual(before);
    expect((await tf.plan()).changes).toBe(false);
  });

  it('refuses an import id of the wrong shape, saying which shapes are right', async () => {
    const { team } = await idsOf();
    await tf.runOk(['state', 'rm', '-no-color', MEMBERSHIP]);
    const bad = await tf.run(['import', '-no-color', '-input=false', MEMBERSHIP, team]);
    expect(bad.code).toBe(1);
    expect(unwrap(bad.stderr)).toContain(
      'Import a team membership by "<team_id>/<user_id>" for a user or "<team_id>/sa:<service_account_id>" for a service account',
    );
    const { bob } = await idsOf();
    await tf.runOk(['import', '-no-color', '-input=false', MEMBERSHIP, `${team}/${bob}`]);
  });

  it('warns when the member was removed outside Terraform, and adds them again', async () => {
    const { team, bob } = await idsOf();
    const removed = await scenario.api.request('DELETE', `/api/v1/teams/${team}/members/${bob}`, { token: scenario.api.adminToken });
    expect(removed.status).toBe(204);
    const plan = await tf.plan();
    const out = unwrap(plan.stdout + plan.stderr);
    expect(out).toContain('Warning: Team membership removed outside Terraform');
    expect(out).toContain(`The user ${bob} is no longer a member of the team "deployers" (id ${team}): it was removed outside Terraform.`);
    expect(out).toContain(`${MEMBERSHIP} will be created`);
    expect(out).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    await tf.apply();
    expect((await apiTeam(team)).team.members.map((m) => m.id)).toEqual([bob]);
  });

  it('adds a service account under <team_id>/sa:<id>; its token then has the team role', async () => {
    const { team } = await idsOf();
    // Listing teams needs a team role: a service account in no team has none.
    expect((await scenario.api.request('GET', '/api/v1/teams', { token: account.token })).status).toBe(403);
    await tf.writeFile(
      'ci.tf',
      `resource "tessera_team_membership" "ci_deployers" {\n  team_id            = tessera_team.deployers.id\n  service_account_id = "${account.id}"\n}\n`,
    );
    const plan = await tf.plan();
    // The id follows from known ids, so the plan shows it.
    expect(plan.stdout).toContain(`id                 = "${team}/sa:${account.id}"`);
    await tf.apply();
    expect(await tf.attributes(SA_MEMBERSHIP)).toEqual({
      id: `${team}/sa:${account.id}`,
      team_id: team,
      user_id: null,
      service_account_id: account.id,
    });
    expect((await apiTeam(team)).team.service_accounts).toEqual([{ id: account.id, name: 'ci' }]);
    expect((await scenario.api.request('GET', '/api/v1/teams', { token: account.token })).status).toBe(200);
    expect((await tf.plan()).changes).toBe(false);
  });

  it('imports the service account membership by <team_id>/sa:<id>; the next plan is empty', async () => {
    const before = await tf.attributes(SA_MEMBERSHIP);
    await tf.runOk(['state', 'rm', '-no-color', SA_MEMBERSHIP]);
    await tf.runOk(['import', '-no-color', '-input=false', SA_MEMBERSHIP, before.id as string]);
    expect(await tf.attributes(SA_MEMBERSHIP)).toEqual(before);
    expect((await tf.plan()).changes).toBe(false);
  });

  it('warns when the service account was removed from the team outside Terraform, and adds it again', async () => {
    const { team } = await idsOf();
    const removed = await scenario.api.request('DELETE', `/api/v1/teams/${team}/service-accounts/${account.id}`, {
      token: scenario.api.adminToken,
    });
    expect(removed.status).toBe(204);
    const plan = await tf.plan();
    const out = unwrap(plan.stdout + plan.stderr);
    expect(out).toContain('Warning: Team membership removed outside Terraform');
    expect(out).toContain(`The service account ${account.id} is no longer a member of the team "deployers"`);
    expect(out).toContain(`${SA_MEMBERSHIP} will be created`);
    await tf.apply();
    expect((await apiTeam(team)).team.service_accounts.map((a) => a.id)).toEqual([account.id]);
  });

  it('replaces the membership when its member changes', async () => {
    const { team, bob } = await idsOf();
    await tf.writeFile(
      'main.tf',
      `${example}
resource "tessera_user" "carol" {
  email = "carol@example.com"
  name  = "Carol Example"
}
`.replace('user_id = tessera_user.bob.id', 'user_id = tessera_user.carol.id'),
    );
    const plan = await tf.plan();
    expect(plan.stdout).toContain(`${MEMBERSHIP} must be replaced`);
    expect(plan.stdout).toMatch(/user_id\s+= "[^"]+" -> \(known after apply\) # forces replacement/);
    await tf.apply();
    const carol = (await tf.attributes('tessera_user.carol')).id as string;
    expect(await tf.attributes(MEMBERSHIP)).toMatchObject({ id: `${team}/${carol}`, user_id: carol });
    const members = (await apiTeam(team)).team.members.map((m) => m.id);
    expect(members).toContain(carol);
    expect(members).not.toContain(bob);
    expect((await tf.plan()).changes).toBe(false);
  });

  it('when the team is deleted outside Terraform, plans the team and both memberships anew, with warnings', async () => {
    const { team } = await idsOf();
    expect((await scenario.api.request('DELETE', `/api/v1/teams/${team}`, { token: scenario.api.adminToken })).status).toBe(204);
    const plan = await tf.plan();
    const out = unwrap(plan.stdout + plan.stderr);
    expect(out).toContain('Warning: Team no longer exists');
    expect(out).toContain('Warning: Team of the membership no longer exists');
    expect(out).toContain(`The team ${team} no longer exists in Tessera (it was deleted outside Terraform)`);
    expect(out).toContain(`${TEAM} will be created`);
    expect(out).toContain(`${MEMBERSHIP} will be created`);
    expect(out).toContain(`${SA_MEMBERSHIP} will be created`);
    expect(out).toContain('Plan: 3 to add, 0 to change, 0 to destroy.');
    await tf.apply();
    const fresh = (await tf.attributes(TEAM)).id as string;
    expect(fresh).not.toBe(team);
    const detail = (await apiTeam(fresh)).team;
    expect(detail.members).toHaveLength(1);
    expect(detail.service_accounts.map((a) => a.id)).toEqual([account.id]);
    expect((await tf.plan()).changes).toBe(false);
  });

  it('refuses a membership with both a user and a service account, or with neither, naming the attribute', async () => {
    const check = await scenario.session({
      'main.tf': `${example}
resource "tessera_team_membership" "both" {
  team_id            = tessera_team.deployers.id
  user_id            = "${(await tf.attributes('tessera_user.bob')).id as string}"
  service_account_id = "${account.id}"
}

resource "tessera_team_membership" "neither" {
  team_id = tessera_team.deployers.id
}
`,
    });
    const result = await check.run(['validate', '-no-color']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('Error: Conflicting team members');
    expect(out).toMatch(/with tessera_team_membership\.both,.*service_account_id = "/);
    expect(out).toContain('service_account_id is set together with user_id');
    expect(out).toContain('Error: Missing team member');
    expect(out).toContain('with tessera_team_membership.neither');
    expect(out).toContain('Neither user_id nor service_account_id is set');
  });

  it('refuses both members also when one of them is known only at apply', async () => {
    const { team } = await idsOf();
    const check = await scenario.session({
      'main.tf': `${example.replace(/resource "tessera_team"[\s\S]*/, '')}
resource "tessera_user" "dora" {
  email = "dora@example.com"
  name  = "Dora Example"
}

resource "tessera_team_membership" "both_later" {
  team_id            = "${team}"
  user_id            = tessera_user.dora.id
  service_account_id = "${account.id}"
}
`,
    });
    const result = await check.run(['apply', '-auto-approve', '-no-color', '-input=false']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('Error: Conflicting team members');
    expect(out).toMatch(/with tessera_team_membership\.both_later,.*service_account_id = "/);
    expect((await apiTeam(team)).team.service_accounts.map((a) => a.id)).toEqual([account.id]);
    // Once the user exists its id is known, so validation itself now refuses the configuration.
    const again = await check.run(['plan', '-no-color', '-input=false']);
    expect(again.code).toBe(1);
    expect(unwrap(again.stderr)).toContain('Error: Conflicting team members');
    await check.writeFile('main.tf', example.replace(/resource "tessera_team"[\s\S]*/, ''));
    await check.runOk(['destroy', '-auto-approve', '-no-color', '-input=false']);
  });

  it('names the attribute when the member does not exist', async () => {
    await tf.writeFile(
      'ghost.tf',
      'resource "tessera_team_membership" "ghost" {\n  team_id            = tessera_team.deployers.id\n  service_account_id = "00000000-0000-4000-8000-000000000000"\n}\n',
    );
    const result = await tf.run(['apply', '-auto-approve', '-no-color', '-input=false']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('There is no service account with the id 00000000-0000-4000-8000-000000000000');
    expect(out).toMatch(/with tessera_team_membership\.ghost,.*service_account_id = "00000000/);
    await tf.writeFile('ghost.tf', '');
  });

  it('destroys: the members leave the team, the team is deleted, and the service account keeps no role', async () => {
    const { team } = await idsOf();
    const destroy = await tf.runOk(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expect(destroy.stdout).toContain('Destroy complete! Resources: 5 destroyed.');
    expect((await apiTeam(team)).status).toBe(404);
    expect((await scenario.api.request('GET', '/api/v1/teams', { token: account.token })).status).toBe(403);
  });
});
