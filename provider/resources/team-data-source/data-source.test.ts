// End to end: the documented example reads a team by name through the real CLI; lookups by id,
// and the diagnostics for no match and for the wrong number of lookup keys.
import { join } from 'node:path';
import type { components } from '../../../client/generated/api';
import { exampleFiles, providerScenario, resourceValues, unwrap, type TerraformSession } from '../../../test/provider/terraform-session';

jest.setTimeout(180_000);

type TeamDetail = components['schemas']['TeamDetail'];
type Team = components['schemas']['Team'];

const scenario = providerScenario();
let tf: TerraformSession;
let example: string;
let sysadmin: TeamDetail;

beforeAll(async () => {
  const files = exampleFiles(join(__dirname, 'example'));
  example = files['main.tf'] ?? '';
  tf = await scenario.session(files);
  const list = (await scenario.api.request('GET', '/api/v1/teams', { token: scenario.api.adminToken })).json as { teams: Team[] };
  const id = list.teams.find((t) => t.name === 'SysAdmin')?.id ?? '';
  sysadmin = (await scenario.api.request('GET', `/api/v1/teams/${id}`, { token: scenario.api.adminToken })).json as TeamDetail;
});

describe('data source tessera_team', () => {
  it('finds the team by name, with its role, members and service accounts', async () => {
    await tf.apply();
    expect(await tf.output('sysadmin_team_id')).toBe(sysadmin.id);
    const emails = JSON.parse((await tf.runOk(['output', '-json', 'sysadmin_emails'])).stdout) as unknown;
    expect(emails).toEqual(['admin@tessera.localhost']);
    expect(resourceValues(await tf.state(), 'data.tessera_team.sysadmins')).toEqual({
      id: sysadmin.id,
      name: 'SysAdmin',
      role: 'SysAdmin',
      created_at: sysadmin.created_at,
      members: sysadmin.members.map((m) => ({ id: m.id, email: m.email, name: m.name, active: m.active })),
      service_accounts: [],
    });
  });

  it('finds the team by id, and by a name in other letter case', async () => {
    await tf.writeFile(
      'more.tf',
      `data "tessera_team" "by_id" {\n  id = "${sysadmin.id}"\n}\n\ndata "tessera_team" "lower" {\n  name = "sysadmin"\n}\n`,
    );
    await tf.apply();
    const state = await tf.state();
    expect(resourceValues(state, 'data.tessera_team.by_id')).toMatchObject({ id: sysadmin.id, name: 'SysAdmin', role: 'SysAdmin' });
    expect(resourceValues(state, 'data.tessera_team.lower')).toMatchObject({ id: sysadmin.id, name: 'sysadmin', role: 'SysAdmin' });
    await tf.writeFile('more.tf', '');
  });

  it('fails with a diagnostic on the attribute when no team matches', async () => {
    await tf.writeFile(
      'more.tf',
      'data "tessera_team" "none" {\n  name = "no-such-team"\n}\n\ndata "tessera_team" "gone" {\n  id = "00000000-0000-4000-8000-000000000000"\n}\n',
    );
    const result = await tf.run(['plan', '-no-color', '-input=false']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('Error: Team not found');
    expect(out).toContain('Tessera has no team named "no-such-team"');
    expect(out).toMatch(/with data\.tessera_team\.none,.*name = "no-such-team"/);
    expect(out).toContain('Tessera has no team with the id "00000000-0000-4000-8000-000000000000"');
    expect(out).toMatch(/with data\.tessera_team\.gone,.*id = "00000000/);
    await tf.writeFile('more.tf', '');
  });

  it('refuses both lookup keys, and neither, naming the attribute', async () => {
    await tf.writeFile(
      'more.tf',
      `data "tessera_team" "both" {\n  id   = "${sysadmin.id}"\n  name = "SysAdmin"\n}\n\ndata "tessera_team" "neither" {}\n`,
    );
    const result = await tf.run(['validate', '-no-color']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('Error: Conflicting team lookup keys');
    expect(out).toMatch(/with data\.tessera_team\.both,.*name = "SysAdmin"/);
    expect(out).toContain('Error: Missing team lookup key');
    expect(out).toContain('with data.tessera_team.neither');
    await tf.writeFile('more.tf', '');
  });

  it('names the role needed when the provider identity has none', async () => {
    const loner = await scenario.api.createUserWithToken({});
    const check = await scenario.session({ 'main.tf': example }, { TESSERA_API_TOKEN: loner.token });
    const result = await check.run(['plan', '-no-color', '-input=false']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('the SysAdmin, Member or ReadOnly role is needed');
    expect(out).not.toContain(loner.token);
  });
});
