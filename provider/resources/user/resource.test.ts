// End to end: the real terraform CLI drives tessera_user against a real API: the documented
// example applied, changed in place (deactivated and reactivated), imported, and destroyed —
// which deactivates the user rather than deleting them — then applied again.
import { join } from 'node:path';
import type { components } from '../../../client/generated/api';
import { exampleFiles, providerScenario, unwrap, type TerraformSession } from '../../../test/provider/terraform-session';

jest.setTimeout(240_000);

const USER = 'tessera_user.alice';
const scenario = providerScenario();
let tf: TerraformSession;
let example: string;

type UserJson = components['schemas']['User'];

async function apiUser(id: string): Promise<{ status: number; user: UserJson }> {
  const res = await scenario.api.request('GET', `/api/v1/users/${id}`, { token: scenario.api.adminToken });
  return { status: res.status, user: res.json as UserJson };
}

beforeAll(async () => {
  const files = exampleFiles(join(__dirname, 'example'));
  example = files['main.tf'] ?? '';
  tf = await scenario.session(files);
});

describe('tessera_user with the real terraform CLI', () => {
  it('applies the example: the user exists in Tessera, active', async () => {
    const plan = await tf.plan();
    expect(plan.stdout).toContain(`${USER} will be created`);
    expect(plan.stdout).toMatch(/active\s+= true/);
    await tf.apply();
    const id = await tf.output('alice_user_id');
    const { status, user } = await apiUser(id);
    expect(status).toBe(200);
    expect(user).toMatchObject({ id, email: 'alice@example.com', name: 'Alice Example', active: true });
    expect(await tf.attributes(USER)).toEqual({
      id,
      email: 'alice@example.com',
      name: 'Alice Example',
      active: true,
      created_at: user.created_at,
    });
    expect((await tf.plan()).changes).toBe(false);
  });

  it('renames and deactivates the user in place, keeping their id', async () => {
    const { id } = await tf.attributes(USER);
    await tf.writeFile('main.tf', example.replace('name  = "Alice Example"', 'name   = "Alice Liddell"\n  active = false'));
    const plan = await tf.plan();
    expect(plan.stdout).toContain(`${USER} will be updated in-place`);
    expect(plan.stdout).toMatch(/active\s+= true -> false/);
    await tf.apply();
    expect((await apiUser(id as string)).user).toMatchObject({ id, name: 'Alice Liddell', active: false });
    expect((await tf.attributes(USER)).id).toBe(id);
    expect((await tf.plan()).changes).toBe(false);
  });

  it('reactivates the user when active is left out again (it defaults to true)', async () => {
    const { id } = await tf.attributes(USER);
    await tf.writeFile('main.tf', example.replace('name  = "Alice Example"', 'name  = "Alice Liddell"'));
    const plan = await tf.plan();
    expect(plan.stdout).toMatch(/active\s+= false -> true/);
    await tf.apply();
    expect((await apiUser(id as string)).user.active).toBe(true);
    expect((await tf.plan()).changes).toBe(false);
  });

  it('treats an email spelled in other letter case as the same address, and changes the email in place', async () => {
    const { id } = await tf.attributes(USER);
    await tf.writeFile(
      'main.tf',
      example.replace('name  = "Alice Example"', 'name  = "Alice Liddell"').replace('alice@example.com', 'Alice@Example.com'),
    );
    await tf.apply();
    expect((await tf.plan()).changes).toBe(false);
    expect((await apiUser(id as string)).user.email).toBe('alice@example.com');

    await tf.writeFile('main.tf', example.replace('name  = "Alice Example"', 'name  = "Alice Liddell"').replace('alice@', 'alice.l@'));
    const plan = await tf.plan();
    expect(plan.stdout).toContain(`${USER} will be updated in-place`);
    await tf.apply();
    expect((await apiUser(id as string)).user.email).toBe('alice.l@example.com');
    expect((await tf.attributes(USER)).id).toBe(id);
  });

  it('imports the user by id; the next plan is empty', async () => {
    const before = await tf.attributes(USER);
    await tf.runOk(['state', 'rm', '-no-color', USER]);
    const imported = await tf.runOk(['import', '-no-color', '-input=false', USER, before.id as string]);
    expect(imported.stdout).toContain('Import successful!');
    expect(await tf.attributes(USER)).toEqual(before);
    expect((await tf.plan()).changes).toBe(false);
  });

  it('destroy deactivates the user: they remain in Tessera, inactive', async () => {
    const { id } = await tf.attributes(USER);
    const destroyPlan = await tf.runOk(['plan', '-destroy', '-no-color', '-input=false']);
    expect(destroyPlan.stdout).toContain(`${USER} will be destroyed`);
    const destroy = await tf.runOk(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expect(destroy.stdout).toContain('Destroy complete! Resources: 1 destroyed.');
    const { status, user } = await apiUser(id as string);
    expect(status).toBe(200);
    expect(user).toMatchObject({ id, email: 'alice.l@example.com', active: false });
    expect((await tf.runOk(['state', 'list'])).stdout.trim()).toBe('');
  });

  it('applying again after a destroy says the email is taken by the deactivated user; importing brings them back active', async () => {
    const [row] = await scenario.api.sql<{ id: string }>("SELECT id FROM users WHERE email = 'alice.l@example.com'");
    const again = await tf.run(['apply', '-auto-approve', '-no-color', '-input=false']);
    expect(again.code).toBe(1);
    const out = unwrap(again.stderr);
    expect(out).toContain('Error: Email already in use');
    expect(out).toContain(`That user's id is ${row!.id}, and they are deactivated`);
    expect(out).toContain('with active = true to reactivate them');
    expect(out).toMatch(/with tessera_user\.alice,.*email = "alice\.l@example\.com"/);

    await tf.runOk(['import', '-no-color', '-input=false', USER, row!.id]);
    const plan = await tf.plan();
    expect(plan.stdout).toMatch(/active\s+= false -> true/);
    await tf.apply();
    expect((await apiUser(row!.id)).user.active).toBe(true);
  });

  it("refuses to deactivate the provider's own user, with the API's reason on the attribute", async () => {
    const [admin] = await scenario.api.sql<{ id: string }>("SELECT id FROM users WHERE email = 'admin@tessera.localhost'");
    await tf.writeFile(
      'admin.tf',
      `import {\n  to = tessera_user.admin\n  id = "${admin!.id}"\n}\n\nresource "tessera_user" "admin" {\n  email  = "admin@tessera.localhost"\n  name   = "Administrator"\n  active = false\n}\n`,
    );
    const result = await tf.run(['apply', '-auto-approve', '-no-color', '-input=false']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('You cannot deactivate yourself');
    expect(out).toMatch(/with tessera_user\.admin,.*active = false/);
    expect((await apiUser(admin!.id)).user.active).toBe(true);
    // Stop managing the admin without deactivating them.
    await tf.writeFile('admin.tf', 'removed {\n  from = tessera_user.admin\n  lifecycle {\n    destroy = false\n  }\n}\n');
    await tf.apply();
    expect((await apiUser(admin!.id)).user.active).toBe(true);
  });

  it('does not take a user hidden from a provider identity without a team role for one that is gone', async () => {
    const { id } = await tf.attributes(USER);
    const loner = await scenario.api.createUserWithToken({});
    const check = await scenario.session(
      {
        'main.tf': `${example.replace(/resource "tessera_user"[\s\S]*/, '')}
import {
  to = tessera_user.someone
  id = "${id as string}"
}

resource "tessera_user" "someone" {
  email = "alice.l@example.com"
  name  = "Alice Liddell"
}
`,
      },
      { TESSERA_API_TOKEN: loner.token },
    );
    const result = await check.run(['plan', '-no-color', '-input=false']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain(`Error: Could not read user ${id as string}`);
    expect(out).toContain(
      "Tessera shows other users only to identities with a team role (SysAdmin, Member or ReadOnly), and the provider's API token has none",
    );
    expect(out).not.toContain('Cannot import non-existent remote object');
  });

  it('fails validation on an email that is not one, naming the attribute', async () => {
    await tf.writeFile('main.tf', example.replace('alice@example.com', 'alice at example'));
    const result = await tf.run(['validate', '-no-color']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('Error: Invalid email');
    expect(out).toMatch(/with tessera_user\.alice,.*email = "alice at example"/);
  });
});
