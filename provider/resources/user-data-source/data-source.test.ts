// End to end: the documented example reads a user by email through the real CLI; lookups by id,
// deactivated users, and the diagnostics for no match and for the wrong number of lookup keys.
import { join } from 'node:path';
import type { components } from '../../../client/generated/api';
import { exampleFiles, providerScenario, resourceValues, unwrap, type TerraformSession } from '../../../test/provider/terraform-session';

jest.setTimeout(180_000);

type User = components['schemas']['User'];

const scenario = providerScenario();
let tf: TerraformSession;
let admin: User;

beforeAll(async () => {
  tf = await scenario.session(exampleFiles(join(__dirname, 'example')));
  const me = (await scenario.api.request('GET', '/api/v1/me', { token: scenario.api.adminToken })).json as { id: string };
  admin = (await scenario.api.request('GET', `/api/v1/users/${me.id}`, { token: scenario.api.adminToken })).json as User;
});

describe('data source tessera_user', () => {
  it('finds the user by email, with their teams', async () => {
    await tf.apply();
    expect(await tf.output('admin_user_id')).toBe(admin.id);
    expect(JSON.parse((await tf.runOk(['output', '-json', 'admin_team_names'])).stdout)).toEqual(['SysAdmin']);
    expect(resourceValues(await tf.state(), 'data.tessera_user.admin')).toEqual({
      id: admin.id,
      email: 'admin@tessera.localhost',
      name: admin.name,
      active: true,
      created_at: admin.created_at,
      teams: admin.teams.map((t) => ({ id: t.id, name: t.name, role: t.role })),
    });
  });

  it('finds a user by id and by an email in other letter case, deactivated users included', async () => {
    const created = await scenario.api.request('POST', '/api/v1/users', {
      token: scenario.api.adminToken,
      body: { email: 'gone@example.com', name: 'Gone Example', active: false },
    });
    expect(created.status).toBe(201);
    const gone = created.json as User;
    await tf.writeFile(
      'more.tf',
      `data "tessera_user" "by_id" {\n  id = "${admin.id}"\n}\n\ndata "tessera_user" "gone" {\n  email = "Gone@Example.com"\n}\n`,
    );
    await tf.apply();
    const state = await tf.state();
    expect(resourceValues(state, 'data.tessera_user.by_id')).toMatchObject({ id: admin.id, email: 'admin@tessera.localhost' });
    expect(resourceValues(state, 'data.tessera_user.gone')).toMatchObject({
      id: gone.id,
      email: 'Gone@Example.com',
      name: 'Gone Example',
      active: false,
      teams: [],
    });
    await tf.writeFile('more.tf', '');
  });

  it('fails with a diagnostic on the attribute when no user matches', async () => {
    await tf.writeFile(
      'more.tf',
      'data "tessera_user" "none" {\n  email = "nobody@example.com"\n}\n\ndata "tessera_user" "unknown" {\n  id = "00000000-0000-4000-8000-000000000000"\n}\n',
    );
    const result = await tf.run(['plan', '-no-color', '-input=false']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('Error: User not found');
    expect(out).toContain('Tessera has no user with the email "nobody@example.com"');
    expect(out).toMatch(/with data\.tessera_user\.none,.*email = "nobody@example\.com"/);
    expect(out).toContain('Tessera has no user with the id "00000000-0000-4000-8000-000000000000"');
    expect(out).toMatch(/with data\.tessera_user\.unknown,.*id = "00000000/);
    await tf.writeFile('more.tf', '');
  });

  it('refuses both lookup keys, and neither, naming the attribute', async () => {
    await tf.writeFile(
      'more.tf',
      `data "tessera_user" "both" {\n  id    = "${admin.id}"\n  email = "admin@tessera.localhost"\n}\n\ndata "tessera_user" "neither" {}\n`,
    );
    const result = await tf.run(['validate', '-no-color']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('Error: Conflicting user lookup keys');
    expect(out).toContain('email is set together with id');
    expect(out).toMatch(/with data\.tessera_user\.both,.*email = "admin@tessera\.localhost"/);
    expect(out).toContain('Error: Missing user lookup key');
    expect(out).toContain('with data.tessera_user.neither');
    await tf.writeFile('more.tf', '');
  });
});
