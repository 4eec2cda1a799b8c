// End to end: the real terraform CLI drives the bundled provider (installed from a filesystem
// mirror) against a real API on a real PostgreSQL. One working directory walks a token through
// its whole life; the scenarios build on each other, in order.
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { startTestApi, type TestApi } from '../../../test/support/api-server';
import { exampleFiles, terraformSession, unwrap, type TerraformSession } from '../../../test/provider/terraform-session';

jest.setTimeout(180_000);

const DEPLOY = 'tessera_personal_access_token.deploy';
const SHORT = 'tessera_personal_access_token.short';

// A token without rotation whose 5-day life is inside the 7-day warning window from the start.
const SHORT_TF = `
resource "tessera_personal_access_token" "short" {
  name            = "short-lived"
  expiration_days = 5
}
`;

let api: TestApi;
let tf: TerraformSession;

beforeAll(async () => {
  api = await startTestApi();
  tf = await terraformSession(api, { ...exampleFiles(join(__dirname, 'example')), 'short.tf': SHORT_TF });
});

afterAll(async () => {
  tf?.cleanup();
  await api?.stop();
});

async function status(token: string): Promise<number> {
  return (await api.request('GET', '/api/v1/me', { token })).status;
}

/** Changes one attribute of a managed resource in the local state file (terraform.tfstate). */
async function editStateAttribute(address: string, attribute: string, value: unknown): Promise<void> {
  const [type, name] = address.split('.');
  const state = JSON.parse(await tf.readFile('terraform.tfstate')) as {
    serial: number;
    resources: Array<{ mode: string; type: string; name: string; instances: Array<{ attributes: Record<string, unknown> }> }>;
  };
  const resource = state.resources.find((r) => r.mode === 'managed' && r.type === type && r.name === name);
  if (!resource?.instances[0]) throw new Error(`${address} is not in terraform.tfstate`);
  resource.instances[0].attributes[attribute] = value;
  state.serial += 1;
  await tf.writeFile('terraform.tfstate', JSON.stringify(state, null, 2));
}

/** GET /api/v1/me until it answers `expected` or 3 s have passed; returns the last status. */
async function eventualStatus(token: string, expected: number): Promise<number> {
  const deadline = Date.now() + 3_000;
  let last = await status(token);
  while (last !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await status(token);
  }
  return last;
}

async function stateOf(address: string): Promise<Record<string, unknown>> {
  return tf.attributes(address);
}

describe('tessera_personal_access_token with the real terraform CLI', () => {
  it('initialises from the mirror and records a lock-file hash', async () => {
    const init = await tf.runOk(['init', '-no-color', '-input=false']);
    expect(init.stdout).toContain('Installing tessera/tessera v0.1.0');
    const lock = await tf.readFile('.terraform.lock.hcl');
    expect(lock).toContain('provider "registry.terraform.io/tessera/tessera"');
    expect(lock).toMatch(/"h1:[A-Za-z0-9+/=]+"/);
  });

  it('validates', async () => {
    const result = await tf.runOk(['validate', '-no-color']);
    expect(result.stdout).toContain('The configuration is valid.');
  });

  it('plans the creation with the secret hidden', async () => {
    const plan = await tf.plan();
    expect(plan.changes).toBe(true);
    expect(plan.stdout).toContain(`${DEPLOY} will be created`);
    expect(plan.stdout).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');
    expect(plan.stdout).toMatch(/token\s+= \(sensitive value\)/);
  });

  it('applies; the created token authenticates against GET /api/v1/me', async () => {
    await tf.apply();
    const token = await tf.output('deploy_token');
    expect(token).toMatch(/^tspat_[0-9A-Za-z]{36}$/);
    const me = await api.request('GET', '/api/v1/me', { token });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ email: 'admin@tessera.localhost' });
    const values = await stateOf(DEPLOY);
    expect(values).toMatchObject({ name: 'ci-deploy', expiration_days: 30, rotate_before_days: 7, token });
    expect(values.token_hint).toBe(`tspat_…${token.slice(-4)}`);
    expect(Date.parse(values.expires_at as string) - Date.parse(values.created_at as string)).toBe(30 * 86_400_000);
  });

  it('plans nothing right after apply, and warns about the token that expires within 7 days', async () => {
    const plan = await tf.plan();
    expect(plan.changes).toBe(false);
    expect(plan.stdout).toContain('No changes.');
    const out = unwrap(plan.stdout + plan.stderr);
    const short = await stateOf(SHORT);
    // Created with 5 days a moment ago: 4 days and 23 hours (and some minutes) remain.
    expect(out).toContain('Warning: Personal access token expires in 4 days, 23 hours');
    expect(out).toContain(`with ${SHORT}`);
    expect(out).toContain(`expires at ${short.expires_at as string}`);
    expect(out).not.toContain(`with ${DEPLOY}`);
  });

  it('recreates a token revoked through the API, with a warning saying it is no longer active', async () => {
    const before = await stateOf(DEPLOY);
    expect((await api.request('DELETE', `/api/v1/personal-access-tokens/${before.id as string}`, { token: api.adminToken })).status).toBe(
      204,
    );
    const plan = await tf.plan();
    expect(plan.changes).toBe(true);
    const out = unwrap(plan.stdout + plan.stderr);
    expect(out).toContain('Warning: Personal access token no longer active');
    expect(out).toContain(`(id ${before.id as string}) is no longer active in Tessera`);
    expect(out).toContain('was revoked (not by an apply whose result this state recorded) or no longer exists');
    expect(out).toContain(`${DEPLOY} has been deleted`);
    expect(out).toContain(`${DEPLOY} will be created`);
    await tf.apply();
    const after = await stateOf(DEPLOY);
    expect(after.id).not.toBe(before.id);
    expect(await status(after.token as string)).toBe(200);
  });

  it('recreates an expired token, with a warning saying it expired', async () => {
    // Time passing, without waiting: the token's expires_at moves into the past both in the
    // database and in the state's copy of it, exactly as they both read once a token ran out.
    const expiresAt = new Date(Date.now() - 60_000).toISOString();
    const { id } = await stateOf(DEPLOY);
    await api.sql('UPDATE tokens SET expires_at = $2 WHERE id = $1', [id, expiresAt]);
    await editStateAttribute(DEPLOY, 'expires_at', expiresAt);
    const before = await stateOf(DEPLOY);
    expect(before.expires_at).toBe(expiresAt);
    // The API may serve a verified credential from memory for up to 1 s (docs/api-contract.md), and
    // a change made straight in the database sends it no notification.
    expect(await eventualStatus(before.token as string, 401)).toBe(401);
    const plan = await tf.plan();
    expect(plan.changes).toBe(true);
    const out = unwrap(plan.stdout + plan.stderr);
    expect(out).toContain('Warning: Personal access token expired');
    expect(out).toContain(`(id ${before.id as string}) expired at ${before.expires_at as string}`);
    expect(out).not.toContain('no longer active');
    await tf.apply();
    expect((await stateOf(DEPLOY)).id).not.toBe(before.id);
  });

  it('replaces a token inside its rotation window, creating the new token before revoking the old', async () => {
    const old = await stateOf(DEPLOY);
    await api.sql("UPDATE tokens SET expires_at = now() + interval '3 days' WHERE id = $1", [old.id]);
    const plan = await tf.plan();
    expect(plan.changes).toBe(true);
    expect(plan.stdout).toContain(`${DEPLOY} must be replaced`);
    expect(plan.stdout).toContain('+/- create replacement and then destroy');
    expect(plan.stdout).toMatch(/expires_at\s+= "[^"]+" -> \(known after apply\) # forces replacement/);
    const apply = await tf.apply();
    const created = apply.stdout.indexOf(`${DEPLOY}: Creation complete`);
    const destroyed = apply.stdout.indexOf(`${DEPLOY} (deposed object`);
    expect(created).toBeGreaterThan(-1);
    expect(destroyed).toBeGreaterThan(created);
    const fresh = await stateOf(DEPLOY);
    expect(fresh.id).not.toBe(old.id);
    const [row] = await api.sql<{ new_created: Date; old_revoked: Date | null }>(
      'SELECT n.created_at AS new_created, o.revoked_at AS old_revoked FROM tokens n, tokens o WHERE n.id = $1 AND o.id = $2',
      [fresh.id, old.id],
    );
    expect(row?.old_revoked).not.toBeNull();
    expect(row!.new_created.getTime()).toBeLessThanOrEqual(row!.old_revoked!.getTime());
    expect(await status(fresh.token as string)).toBe(200);
    expect(await status(old.token as string)).toBe(401);
    expect((await tf.plan()).changes).toBe(false);
  });

  it('imports a token by id with terraform import; the next plan is empty and token is null', async () => {
    const { id } = await stateOf(SHORT);
    await tf.runOk(['state', 'rm', '-no-color', SHORT]);
    const imported = await tf.runOk(['import', '-no-color', '-input=false', SHORT, id as string]);
    expect(imported.stdout).toContain('Import successful!');
    const values = await stateOf(SHORT);
    expect(values).toMatchObject({ id, name: 'short-lived', expiration_days: 5, token: null });
    expect((await tf.plan()).changes).toBe(false);
  });

  it('imports with an import {} block; the plan after apply is empty', async () => {
    const { id } = await stateOf(SHORT);
    await tf.runOk(['state', 'rm', '-no-color', SHORT]);
    await tf.writeFile('import.tf', `import {\n  to = ${SHORT}\n  id = "${id as string}"\n}\n`);
    const plan = await tf.plan();
    expect(plan.stdout).toContain(`${SHORT}: Preparing import... [id=${id as string}]`);
    expect(plan.stdout).toContain('Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.');
    await tf.apply();
    expect((await tf.plan()).changes).toBe(false);
  });

  it('never puts a secret in a TF_LOG=trace log or in plan output', async () => {
    const logPath = join(tf.dir, 'trace.log');
    const traceEnv = { TF_LOG: 'trace', TF_LOG_PATH: logPath };
    const apply = await tf.apply([`-replace=${SHORT}`], traceEnv);
    const plan = await tf.plan([], traceEnv);
    const created = (await stateOf(SHORT)).token as string;
    const deploy = (await stateOf(DEPLOY)).token as string;
    const log = await readFile(logPath, 'utf8');
    expect(log).toContain('provider.terraform-provider-tessera');
    expect(log.length).toBeGreaterThan(10_000);
    for (const secret of [created, deploy, api.adminToken]) {
      expect(secret).toMatch(/^tspat_/);
      expect(log).not.toContain(secret);
      expect(apply.stdout + apply.stderr).not.toContain(secret);
      expect(plan.stdout + plan.stderr).not.toContain(secret);
    }
  });

  it('destroys, also when a token was already revoked out of band', async () => {
    await tf.runOk(['state', 'list']);
    const deploy = await stateOf(DEPLOY);
    const short = await stateOf(SHORT);
    await api.request('DELETE', `/api/v1/personal-access-tokens/${short.id as string}`, { token: api.adminToken });
    const destroy = await tf.runOk(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expect(destroy.stdout).toMatch(/Destroy complete! Resources: [12] destroyed\./);
    expect(await status(deploy.token as string)).toBe(401);
    const remaining = await tf.runOk(['state', 'list']);
    expect(remaining.stdout.trim()).toBe('');
  });
});
