// End to end: the real terraform CLI drives tessera_team against a real API: the documented
// example applied, changed in place, imported, deleted behind Terraform's back, refused a
// taken name, applied by an identity without the SysAdmin role, and destroyed.
import { join } from 'node:path';
import type { components } from '../../../client/generated/api';
import { exampleFiles, providerScenario, unwrap, type TerraformSession } from '../../../test/provider/terraform-session';

jest.setTimeout(240_000);

const TEAM = 'tessera_team.platform';
const scenario = providerScenario();
let tf: TerraformSession;
let example: string;

type TeamJson = components['schemas']['TeamDetail'];

async function apiTeam(id: string): Promise<{ status: number; team: TeamJson }> {
  const res = await scenario.api.request('GET', `/api/v1/teams/${id}`, { token: scenario.api.adminToken });
  return { status: res.status, team: res.json as TeamJson };
}

beforeAll(async () => {
  const files = exampleFiles(join(__dirname, 'example'));
  example = files['main.tf'] ?? '';
  tf = await scenario.session(files);
});

describe('tessera_team with the real terraform CLI', () => {
  it('applies the example: the team exists in Tessera with that name and role', async () => {
    const plan = await tf.plan();
    expect(plan.stdout).toContain(`${TEAM} will be created`);
    await tf.apply();
    const id = await tf.output('platform_team_id');
    const { status, team } = await apiTeam(id);
    expect(status).toBe(200);
    expect(team).toMatchObject({ id, name: 'platform', role: 'Member' });
    expect(await tf.attributes(TEAM)).toEqual({ id, name: 'platform', role: 'Member', created_at: team.created_at });
    expect((await tf.plan()).changes).toBe(false);
  });

  it('renames the team and changes its role in place, keeping its id', async () => {
    const before = await tf.attributes(TEAM);
    await tf.writeFile(
      'main.tf',
      example.replace('name = "platform"', 'name = "platform-eng"').replace('role = "Member"', 'role = "ReadOnly"'),
    );
    const plan = await tf.plan();
    expect(plan.stdout).toContain(`${TEAM} will be updated in-place`);
    expect(plan.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
    await tf.apply();
    const after = await tf.attributes(TEAM);
    expect(after).toMatchObject({ id: before.id, name: 'platform-eng', role: 'ReadOnly', created_at: before.created_at });
    expect((await apiTeam(before.id as string)).team).toMatchObject({ name: 'platform-eng', role: 'ReadOnly' });
    expect((await tf.plan()).changes).toBe(false);
  });

  it('shows a rename made outside Terraform as drift and puts the configured name back', async () => {
    const { id } = await tf.attributes(TEAM);
    const patched = await scenario.api.request('PATCH', `/api/v1/teams/${id as string}`, {
      token: scenario.api.adminToken,
      body: { name: 'renamed-by-hand' },
    });
    expect(patched.status).toBe(200);
    const plan = await tf.plan();
    expect(plan.stdout).toMatch(/name\s+= "renamed-by-hand" -> "platform-eng"/);
    await tf.apply();
    expect((await apiTeam(id as string)).team.name).toBe('platform-eng');
  });

  it('imports the team by id; the next plan is empty', async () => {
    const { id, created_at } = await tf.attributes(TEAM);
    await tf.runOk(['state', 'rm', '-no-color', TEAM]);
    const imported = await tf.runOk(['import', '-no-color', '-input=false', TEAM, id as string]);
    expect(imported.stdout).toContain('Import successful!');
    expect(await tf.attributes(TEAM)).toEqual({ id, name: 'platform-eng', role: 'ReadOnly', created_at });
    expect((await tf.plan()).changes).toBe(false);
  });

  it('refuses an import id that is not a team id, and one of a team that does not exist', async () => {
    await tf.runOk(['state', 'rm', '-no-color', TEAM]);
    const bad = await tf.run(['import', '-no-color', '-input=false', TEAM, 'platform-eng']);
    expect(bad.code).toBe(1);
    expect(unwrap(bad.stderr)).toContain('Import a team by its API id (a UUID');
    const missing = await tf.run(['import', '-no-color', '-input=false', TEAM, '00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(1);
    expect(unwrap(missing.stderr)).toContain('Cannot import non-existent remote object');
  });

  it('drops a team deleted outside Terraform from state with a warning; the next plan creates it', async () => {
    // Put the team back under management first (the previous test removed it from state).
    const [existing] = (
      (await scenario.api.request('GET', '/api/v1/teams', { token: scenario.api.adminToken })).json as {
        teams: Array<components['schemas']['Team']>;
      }
    ).teams.filter((t) => t.name === 'platform-eng');
    await tf.runOk(['import', '-no-color', '-input=false', TEAM, existing!.id]);
    const deleted = await scenario.api.request('DELETE', `/api/v1/teams/${existing!.id}`, { token: scenario.api.adminToken });
    expect(deleted.status).toBe(204);

    const plan = await tf.plan();
    const out = unwrap(plan.stdout + plan.stderr);
    expect(out).toContain('Warning: Team no longer exists');
    expect(out).toContain(`The team "platform-eng" (id ${existing!.id}) no longer exists in Tessera: it was deleted outside Terraform.`);
    expect(out).toContain(`${TEAM} will be created`);
    expect(out).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    await tf.apply();
    const fresh = await tf.attributes(TEAM);
    expect(fresh.id).not.toBe(existing!.id);
    expect((await apiTeam(fresh.id as string)).status).toBe(200);
  });

  it('fails the plan on a role Tessera does not have, and on a name with surrounding spaces, naming the attribute', async () => {
    const check = await scenario.session({
      'main.tf': `${example}
resource "tessera_team" "bad_role" {
  name = "bad-role"
  role = "Admin"
}

resource "tessera_team" "bad_name" {
  name = " spaced "
  role = "Member"
}
`,
    });
    const result = await check.run(['validate', '-no-color']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('Error: Invalid team role');
    expect(out).toContain('role is "Admin"; it must be one of "SysAdmin", "Member", "ReadOnly"');
    expect(out).toMatch(/with tessera_team\.bad_role, on main\.tf line \d+, in resource "tessera_team" "bad_role": \d+: role = "Admin"/);
    expect(out).toContain('Error: Invalid team name');
    expect(out).toContain('name must not start or end with white space');
    expect(out).toMatch(/with tessera_team\.bad_name,.*name = " spaced "/);
  });

  it('refuses a taken name (without regard to case), naming the team that holds it', async () => {
    const check = await scenario.session({
      'main.tf': `${example.replace(/resource "tessera_team"[\s\S]*/, '')}
resource "tessera_team" "clash" {
  name = "sysadmin"
  role = "Member"
}
`,
    });
    const teams = (await scenario.api.request('GET', '/api/v1/teams', { token: scenario.api.adminToken })).json as {
      teams: Array<components['schemas']['Team']>;
    };
    const sysadmin = teams.teams.find((t) => t.name === 'SysAdmin');
    const result = await check.run(['apply', '-auto-approve', '-no-color', '-input=false']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('Error: Team name already taken');
    expect(out).toContain(`Its id is ${sysadmin!.id}.`);
    expect(out).toContain('with tessera_team.clash');
    expect(out).toContain('name = "sysadmin"');
  });

  it('refuses a role change that would leave no active SysAdmin, on the role attribute', async () => {
    const teams = (await scenario.api.request('GET', '/api/v1/teams?name=SysAdmin', { token: scenario.api.adminToken })).json as {
      teams: Array<components['schemas']['Team']>;
    };
    const sysadmin = teams.teams[0]!;
    const check = await scenario.session({
      'main.tf': `${example.replace(/resource "tessera_team"[\s\S]*/, '')}
import {
  to = tessera_team.admins
  id = "${sysadmin.id}"
}

resource "tessera_team" "admins" {
  name = "SysAdmin"
  role = "Member"
}
`,
    });
    const result = await check.run(['apply', '-auto-approve', '-no-color', '-input=false']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain(`Error: Could not update team ${sysadmin.id}`);
    expect(out).toContain('The Tessera API answered 409:');
    expect(out).toMatch(/with tessera_team\.admins,.*role = "Member"/);
    expect((await apiTeam(sysadmin.id)).team.role).toBe('SysAdmin');
  });

  it('names the SysAdmin role when a Member applies a team', async () => {
    const member = await scenario.api.createUserWithToken({ role: 'Member' });
    const check = await scenario.session(
      { 'main.tf': example.replace('name = "platform"', 'name = "by-a-member"') },
      { TESSERA_API_TOKEN: member.token },
    );
    const result = await check.run(['apply', '-auto-approve', '-no-color', '-input=false']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('Error: Could not create the team: the SysAdmin role is needed');
    expect(out).toContain('needs the SysAdmin role through a team it belongs to');
    expect(out).not.toContain(member.token);
  });

  it('destroys: the team is deleted in Tessera', async () => {
    const { id } = await tf.attributes(TEAM);
    const destroy = await tf.runOk(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expect(destroy.stdout).toContain('Destroy complete! Resources: 1 destroyed.');
    expect((await apiTeam(id as string)).status).toBe(404);
  });
});
