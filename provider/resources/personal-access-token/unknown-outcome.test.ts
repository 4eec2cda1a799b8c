// A create whose answer is lost: the real terraform CLI, the real API on a real PostgreSQL, and
// a local proxy that forwards the create to the API but drops the answer on every retry. The
// token then exists in Tessera while the apply fails; the error must say so and name the way to
// find it, and the next apply must neither lose it nor make a second one.
import { startFaultProxy, type FaultProxy } from '../../../test/support/fault-proxy';
import { startTestApi, type TestApi } from '../../../test/support/api-server';
import { terraformSession, unwrap, type TerraformSession } from '../../../test/provider/terraform-session';

jest.setTimeout(240_000);

const ADDRESS = 'tessera_personal_access_token.lost';
const NAME = 'answer-lost';
const CONFIG = `
terraform {
  required_providers {
    tessera = { source = "tessera/tessera" }
  }
}

resource "tessera_personal_access_token" "lost" {
  name            = "${NAME}"
  expiration_days = 3
}
`;
const CREATE_PATH = '/api/v1/personal-access-tokens';

let api: TestApi;
let proxy: FaultProxy;
let tf: TerraformSession;

beforeAll(async () => {
  api = await startTestApi();
  proxy = await startFaultProxy(api.url);
  tf = await terraformSession(api, { 'main.tf': CONFIG }, { TESSERA_ENDPOINT: proxy.url });
  await tf.runOk(['init', '-no-color', '-input=false']);
});

afterAll(async () => {
  tf?.cleanup();
  await proxy?.stop();
  await api?.stop();
});

interface TokenRow extends Record<string, unknown> {
  id: string;
  client_reference: string | null;
  created_via: string | null;
  revoked_at: Date | null;
}

const rowsNamed = (name: string) =>
  api.sql<TokenRow>('SELECT id, client_reference, created_via, revoked_at FROM tokens WHERE name = $1 ORDER BY created_at', [name]);
const activeNamed = async (name: string) => (await rowsNamed(name)).filter((r) => r.revoked_at === null);

interface StateInstance {
  status?: string;
  private?: string;
  attributes: Record<string, unknown>;
}

async function instance(): Promise<StateInstance | undefined> {
  const state = JSON.parse(await tf.readFile('terraform.tfstate')) as { resources?: Array<{ name: string; instances: StateInstance[] }> };
  return state.resources?.find((r) => r.name === 'lost')?.instances[0];
}

function dropCreates(): void {
  proxy.setRule(({ method, path }) => (method === 'POST' && path === CREATE_PATH ? 'forward-reset' : 'forward'));
}

/** Applies through the dropping proxy; asserts the failure says the outcome is unknown; returns the reference it names. */
async function applyLosingTheAnswer(extraArgs: string[] = []): Promise<string> {
  dropCreates();
  const before = proxy.requests.length;
  const failed = await tf.run(['apply', '-auto-approve', '-no-color', '-input=false', ...extraArgs]);
  proxy.setRule(() => 'forward');
  expect(failed.code).toBe(1);
  // Every attempt (the first and its retries) reached the API, which created or replayed the
  // token, and every answer was dropped.
  const attempts = proxy.requests.slice(before).filter((r) => r.mode === 'forward-reset');
  expect(attempts.length).toBeGreaterThanOrEqual(2);
  for (const attempt of attempts) expect(attempt).toEqual({ method: 'POST', path: CREATE_PATH, mode: 'forward-reset', status: 201 });
  const out = unwrap(failed.stderr);
  expect(out).toContain('Error: Outcome of creating the personal access token is unknown');
  expect(out).toContain(
    `The request to create the token "${NAME}" may have reached the Tessera API at ${proxy.url}, but no answer came back`,
  );
  const reference =
    /It carries client_reference ([0-9a-f-]{36}); find it with GET \/api\/v1\/personal-access-tokens\?client_reference=\1\./.exec(out)?.[1];
  expect(reference).toBeDefined();
  expect(out).toContain('Terraform keeps this resource as tainted.');
  // Terraform 1.11 keeps the failed create as a tainted object with its private state.
  const recorded = await instance();
  expect(recorded?.status).toBe('tainted');
  expect(recorded?.attributes).toMatchObject({ name: NAME, id: null, token: null });
  expect(Buffer.from(recorded?.private ?? '', 'base64').toString('utf8')).toContain(reference!);
  return reference!;
}

describe('a create whose answer is lost', () => {
  it('fails the apply with an error that says the outcome is unknown and how to find the token', async () => {
    const reference = await applyLosingTheAnswer();
    // The token exists, once (the retries were replays of the same Idempotency-Key), and carries the markers.
    const rows = await activeNamed(NAME);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ client_reference: reference, created_via: 'terraform-provider-tessera/0.1.0' });
    const found = await api.request('GET', `${CREATE_PATH}?client_reference=${reference}`, { token: api.adminToken });
    expect((found.json as { personal_access_tokens: Array<{ id: string }> }).personal_access_tokens.map((t) => t.id)).toEqual([
      rows[0]!.id,
    ]);
  });

  it('settles it on the next apply within the idempotency window: one active token, the one in the state', async () => {
    const [lost] = await activeNamed(NAME);
    const applied = await tf.runOk(['apply', '-auto-approve', '-no-color', '-input=false']);
    const out = unwrap(applied.stdout + applied.stderr);
    expect(out).toContain('Warning: Recovered the personal access token of an interrupted create');
    expect(out).toContain(`The token exists with id ${lost!.id}. Its secret was recovered.`);
    expect(out).toContain(`${ADDRESS} is tainted, so must be replaced`);
    const active = await activeNamed(NAME);
    expect(active).toHaveLength(1);
    const state = await tf.attributes(ADDRESS);
    expect(state.id).toBe(active[0]!.id);
    expect((await instance())?.status).toBeUndefined();
    expect((await api.request('GET', '/api/v1/me', { token: state.token as string })).status).toBe(200);
    // The recovered token was revoked by the replacement, not left behind.
    expect((await rowsNamed(NAME)).find((r) => r.id === lost!.id)?.revoked_at).not.toBeNull();
    expect((await tf.plan()).changes).toBe(false);
  });

  it('after the idempotency window, finds the token by its client_reference instead of making a second one', async () => {
    const reference = await applyLosingTheAnswer([`-replace=${ADDRESS}`]);
    const [lost] = await activeNamed(NAME);
    expect(lost?.client_reference).toBe(reference);
    // The window passes: the API forgets the key (and the encrypted answer with it).
    await api.sql('DELETE FROM idempotency_records');
    const plan = await tf.plan();
    const out = unwrap(plan.stdout + plan.stderr);
    expect(out).toContain('Warning: Recovered the personal access token of an interrupted create');
    expect(out).toContain(`The token exists with id ${lost!.id}. The idempotency window has passed, so its secret cannot be recovered`);
    expect(out).toContain(`${ADDRESS} is tainted, so must be replaced`);
    // The plan's refresh made no token.
    expect(await activeNamed(NAME)).toHaveLength(1);
    await tf.apply();
    const active = await activeNamed(NAME);
    expect(active).toHaveLength(1);
    expect((await tf.attributes(ADDRESS)).id).toBe(active[0]!.id);
    expect(active[0]!.id).not.toBe(lost!.id);
  });

  it('revokes the token of an unsettled create on destroy -refresh=false', async () => {
    await applyLosingTheAnswer([`-replace=${ADDRESS}`]);
    expect(await activeNamed(NAME)).toHaveLength(1);
    const destroyed = await tf.runOk(['destroy', '-auto-approve', '-no-color', '-input=false', '-refresh=false']);
    expect(destroyed.stdout).toContain('Destroy complete! Resources: 1 destroyed.');
    expect(await activeNamed(NAME)).toHaveLength(0);
  });

  it('keeps the recovered token, secret included, when the user untaints the resource first', async () => {
    await applyLosingTheAnswer();
    const [lost] = await activeNamed(NAME);
    await tf.runOk(['untaint', '-no-color', ADDRESS]);
    const applied = await tf.apply();
    const out = unwrap(applied.stdout + applied.stderr);
    expect(out).toContain(`The token exists with id ${lost!.id}. Its secret was recovered.`);
    expect(out).toContain('Apply complete! Resources: 0 added, 0 changed, 0 destroyed.');
    const state = await tf.attributes(ADDRESS);
    expect(state.id).toBe(lost!.id);
    expect((await api.request('GET', '/api/v1/me', { token: state.token as string })).status).toBe(200);
    expect(await activeNamed(NAME)).toHaveLength(1);
    expect((await tf.plan()).changes).toBe(false);
    await tf.runOk(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expect(await activeNamed(NAME)).toHaveLength(0);
  });

  it('drops the resource when the token of the interrupted create is gone, and creates it anew', async () => {
    await applyLosingTheAnswer();
    const [lost] = await activeNamed(NAME);
    // Someone revoked the token meanwhile, and the idempotency window has passed.
    expect((await api.request('DELETE', `${CREATE_PATH}/${lost!.id}`, { token: api.adminToken })).status).toBe(204);
    await api.sql('DELETE FROM idempotency_records');
    const applied = await tf.apply();
    const out = unwrap(applied.stdout + applied.stderr);
    expect(out).toContain('Warning: Interrupted personal access token create had no effect');
    expect(out).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
    const active = await activeNamed(NAME);
    expect(active).toHaveLength(1);
    expect((await tf.attributes(ADDRESS)).id).toBe(active[0]!.id);
    await tf.runOk(['destroy', '-auto-approve', '-no-color', '-input=false']);
  });

  it('when the API goes down before the create, says so plainly and records nothing', async () => {
    await tf.runOk(['plan', '-no-color', '-input=false', '-out=create.tfplan']);
    // Applying the saved plan configures the provider (GET /me and GET /token-policy), then creates.
    proxy.stopAfterAnswers(2);
    const failed = await tf.run(['apply', '-no-color', '-input=false', 'create.tfplan']);
    expect(failed.code).toBe(1);
    const out = unwrap(failed.stderr);
    expect(out).toContain('Error: Could not create the personal access token');
    expect(out).toContain('connection refused');
    expect(out).not.toContain('unknown');
    expect(await instance()).toBeUndefined();
    expect(await activeNamed(NAME)).toHaveLength(0);
  });
});
