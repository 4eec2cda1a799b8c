// End to end: the provider block and its environment fallbacks, the schema as the CLI sees it,
// and bad input of every kind — each must end in a clean diagnostic that points at the
// attribute (and names the variable), never a crash or a leaked secret.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/provider-packaging';
import { startTestApi, type TestApi } from '../support/api-server';
import { exampleFiles, terraformSession, unwrap, type TerraformSession } from './terraform-session';

jest.setTimeout(180_000);

const HEADER = `
terraform {
  required_providers {
    tessera = { source = "tessera/tessera" }
  }
}
`;

const TOKEN_TF = (days: number | string, extra = '') => `${HEADER}
resource "tessera_personal_access_token" "t" {
  name            = "cfg"
  expiration_days = ${days}
${extra}}
`;

let api: TestApi;
const sessions: TerraformSession[] = [];

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  for (const s of sessions) s.cleanup();
  await api?.stop();
});

async function session(files: Record<string, string>, env: Record<string, string> = {}): Promise<TerraformSession> {
  const tf = await terraformSession(api, files, env);
  sessions.push(tf);
  await tf.runOk(['init', '-no-color', '-input=false']);
  return tf;
}

/** A port on which nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function expectCleanFailure(output: string): void {
  expect(output).not.toMatch(/panic|crash|stack trace|at [A-Za-z.]+ \(/i);
  expect(output).not.toContain(api.adminToken);
}

describe('provider configuration and diagnostics', () => {
  it('serves its schema to terraform providers schema -json, with descriptions and the secret marked sensitive', async () => {
    const tf = await session({ 'main.tf': HEADER });
    const { stdout } = await tf.runOk(['providers', 'schema', '-json']);
    const schema = JSON.parse(stdout) as {
      provider_schemas: Record<
        string,
        {
          provider: { block: { attributes: Record<string, { sensitive?: boolean; description?: string }> } };
          resource_schemas: Record<
            string,
            { block: { attributes: Record<string, { sensitive?: boolean; description?: string; required?: boolean; computed?: boolean }> } }
          >;
          data_source_schemas: Record<string, unknown>;
          ephemeral_resource_schemas: Record<string, { block: { attributes: Record<string, { sensitive?: boolean }> } }>;
        }
      >;
    };
    const tessera = schema.provider_schemas['registry.terraform.io/tessera/tessera'];
    expect(tessera).toBeDefined();
    expect(tessera?.provider.block.attributes.api_token?.sensitive).toBe(true);
    expect(Object.keys(tessera?.resource_schemas ?? {}).sort()).toEqual([
      'tessera_personal_access_token',
      'tessera_service_account',
      'tessera_team',
      'tessera_team_membership',
      'tessera_user',
    ]);
    expect(Object.keys(tessera?.data_source_schemas ?? {}).sort()).toEqual([
      'tessera_current_user',
      'tessera_personal_access_tokens',
      'tessera_service_account',
      'tessera_team',
      'tessera_user',
    ]);
    expect(Object.keys(tessera?.ephemeral_resource_schemas ?? {})).toEqual(['tessera_personal_access_token']);
    const attributes = tessera?.resource_schemas.tessera_personal_access_token?.block.attributes ?? {};
    expect(Object.keys(attributes).sort()).toEqual([
      'created_at',
      'expiration_days',
      'expires_at',
      'id',
      'name',
      'rotate_before_days',
      'token',
      'token_hint',
    ]);
    expect(attributes.token?.sensitive).toBe(true);
    expect(attributes.name?.required).toBe(true);
    for (const [name, attribute] of Object.entries(attributes)) expect([name, attribute.description?.length ?? 0]).not.toEqual([name, 0]);
    expect(tessera?.ephemeral_resource_schemas.tessera_personal_access_token?.block.attributes.token?.sensitive).toBe(true);
  });

  it('runs the documented provider example with endpoint and token from HCL, not the environment', async () => {
    const tf = await session(exampleFiles(join(REPO_ROOT, 'provider/tessera/example')), { TESSERA_ENDPOINT: '', TESSERA_API_TOKEN: '' });
    const apply = await tf.run([
      'apply',
      '-auto-approve',
      '-no-color',
      '-input=false',
      `-var=tessera_endpoint=${api.url}`,
      `-var=tessera_token=${api.adminToken}`,
    ]);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect((await tf.runOk(['output', '-raw', 'authenticated_as'])).stdout).toBe('admin@tessera.localhost');
    expect(apply.stdout).not.toContain(api.adminToken);
  });

  it('rejects expiration_days = 31 at validate time, pointing at the line', async () => {
    const tf = await session({ 'main.tf': TOKEN_TF(31) });
    const result = await tf.run(['validate', '-no-color']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('Error: Invalid expiration_days');
    expect(out).toContain('with tessera_personal_access_token.t');
    expect(out).toContain('expiration_days = 31');
    expect(out).toContain('allows 1–30 days');
    expectCleanFailure(result.stdout + result.stderr);
  });

  it('rejects a missing name and a rotate_before_days that is not below expiration_days', async () => {
    const missing = await session({ 'main.tf': `${HEADER}\nresource "tessera_personal_access_token" "t" {\n  expiration_days = 3\n}\n` });
    const noName = await missing.run(['validate', '-no-color']);
    expect(noName.code).toBe(1);
    expect(unwrap(noName.stderr)).toContain('The argument "name" is required');
    expectCleanFailure(noName.stdout + noName.stderr);

    const rotate = await session({ 'main.tf': TOKEN_TF(5, '  rotate_before_days = 5\n') });
    const result = await rotate.run(['validate', '-no-color']);
    expect(result.code).toBe(1);
    const out = unwrap(result.stderr);
    expect(out).toContain('Error: Invalid rotate_before_days');
    expect(out).toContain('rotate_before_days = 5');
    expectCleanFailure(result.stdout + result.stderr);
  });

  it('does not fail validation on values only known after apply', async () => {
    const tf = await session({
      'main.tf': `${HEADER}
resource "terraform_data" "days" {
  input = 3
}
resource "tessera_personal_access_token" "t" {
  name            = "cfg-\${terraform_data.days.id}"
  expiration_days = terraform_data.days.output
}
`,
    });
    await tf.runOk(['validate', '-no-color']);
    const plan = await tf.run(['plan', '-no-color', '-input=false']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Plan: 2 to add');
  });

  it('checks expiration_days at plan time against the server token policy', async () => {
    const strict = await startTestApi({ patMaxDays: 7 });
    try {
      const tf = await terraformSession(strict, { 'main.tf': TOKEN_TF(10) });
      sessions.push(tf);
      await tf.runOk(['init', '-no-color', '-input=false']);
      await tf.runOk(['validate', '-no-color']);
      const plan = await tf.run(['plan', '-no-color', '-input=false']);
      expect(plan.code).toBe(1);
      const out = unwrap(plan.stderr);
      expect(out).toContain('Error: Invalid expiration_days');
      expect(out).toContain("expiration_days is 10, but the server's token policy (GET /api/v1/token-policy) allows 1–7 days");
      expect(out).toContain('expiration_days = 10');
      expectCleanFailure(plan.stdout + plan.stderr);
    } finally {
      await strict.stop();
    }
  });

  it('refuses to import an id that does not exist, without a crash', async () => {
    const tf = await session({ 'main.tf': TOKEN_TF(3) });
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const result = await tf.run(['import', '-no-color', '-input=false', 'tessera_personal_access_token.t', id]);
      expect(result.code).toBe(1);
      expect(unwrap(result.stderr)).toContain('Cannot import non-existent remote object');
      expectCleanFailure(result.stdout + result.stderr);
    }
  });

  it('names the endpoint and TESSERA_ENDPOINT when nothing listens there', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const tf = await session({ 'main.tf': TOKEN_TF(3) }, { TESSERA_ENDPOINT: endpoint });
    const plan = await tf.run(['plan', '-no-color', '-input=false']);
    expect(plan.code).toBe(1);
    const out = unwrap(plan.stderr);
    expect(out).toContain('Error: Cannot reach the Tessera API');
    expect(out).toContain(`cannot reach the Tessera API at ${endpoint}: connection refused`);
    expect(out).toContain('the TESSERA_ENDPOINT environment variable');
    expectCleanFailure(plan.stdout + plan.stderr);
  });

  it('says which attribute and variable to set when the endpoint or token is missing or malformed', async () => {
    const tf = await session({ 'main.tf': TOKEN_TF(3) }, { TESSERA_ENDPOINT: '', TESSERA_API_TOKEN: '' });
    const missing = await tf.run(['plan', '-no-color', '-input=false']);
    expect(missing.code).toBe(1);
    const out = unwrap(missing.stderr);
    expect(out).toContain('Error: Missing Tessera API endpoint');
    expect(out).toContain('TESSERA_ENDPOINT');
    expect(out).toContain('Error: Missing Tessera API token');
    expect(out).toContain('TESSERA_API_TOKEN');

    const malformed = 'tspat_not-a-real-token';
    const bad = await tf.run(['plan', '-no-color', '-input=false'], { env: { TESSERA_API_TOKEN: malformed } });
    expect(bad.code).toBe(1);
    const badOut = unwrap(bad.stderr);
    expect(badOut).toContain('Error: Invalid Tessera API token');
    expect(badOut).toContain('the TESSERA_API_TOKEN environment variable');
    expect(badOut).not.toContain(malformed);
    expectCleanFailure(bad.stdout + bad.stderr);
  });

  it('says the token is invalid or expired when the provider token was revoked, pointing at api_token', async () => {
    const created = await api.request('POST', '/api/v1/personal-access-tokens', {
      token: api.adminToken,
      body: { name: 'soon-revoked', expiration_days: 1 },
    });
    const { id, token } = created.json as { id: string; token: string };
    expect((await api.request('DELETE', `/api/v1/personal-access-tokens/${id}`, { token: api.adminToken })).status).toBe(204);
    const tf = await session({
      'main.tf': `${TOKEN_TF(3)}
variable "token" {
  type      = string
  sensitive = true
}
provider "tessera" {
  api_token = var.token
}
`,
    });
    const plan = await tf.run(['plan', '-no-color', '-input=false', `-var=token=${token}`]);
    expect(plan.code).toBe(1);
    const out = unwrap(plan.stderr);
    expect(out).toContain('Error: Tessera API token rejected');
    expect(out).toContain('the token is invalid or expired');
    expect(out).toContain('api_token = var.token');
    expect(out).not.toContain(token);
    expectCleanFailure(plan.stdout + plan.stderr);
  });
});
