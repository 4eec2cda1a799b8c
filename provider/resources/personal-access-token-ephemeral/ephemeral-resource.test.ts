// End to end: the documented example opens an ephemeral token, a second (aliased) provider
// configuration authenticates with it to read tessera_current_user, and the run revokes it.
// The secret must never reach the state or a plan file.
import { join } from 'node:path';
import { startTestApi, type TestApi } from '../../../test/support/api-server';
import { exampleFiles, terraformSession, type TerraformSession } from '../../../test/provider/terraform-session';

jest.setTimeout(180_000);

const SECRET = /tspat_[0-9A-Za-z]{36}/;

let api: TestApi;
let tf: TerraformSession;

beforeAll(async () => {
  api = await startTestApi();
  tf = await terraformSession(api, exampleFiles(join(__dirname, 'example')));
  await tf.runOk(['init', '-no-color', '-input=false']);
});

afterAll(async () => {
  tf?.cleanup();
  await api?.stop();
});

async function runTokens(): Promise<Array<{ id: string; revoked_at: Date | null }>> {
  return api.sql("SELECT id, revoked_at FROM tokens WHERE name = 'terraform-run'");
}

describe('ephemeral tessera_personal_access_token with the real terraform CLI', () => {
  it('opens a token for the plan and revokes it when the plan closes it; the plan file holds no secret', async () => {
    const plan = await tf.runOk(['plan', '-no-color', '-input=false', '-out=run.tfplan']);
    expect(plan.stdout).toContain('ephemeral.tessera_personal_access_token.run: Opening...');
    expect(plan.stdout).toContain('ephemeral.tessera_personal_access_token.run: Closing...');
    const tokens = await runTokens();
    expect(tokens.length).toBeGreaterThanOrEqual(1);
    expect(tokens.every((t) => t.revoked_at !== null)).toBe(true);
    const shown = await tf.runOk(['show', '-json', 'run.tfplan']);
    expect(shown.stdout).not.toMatch(SECRET);
    expect(plan.stdout).not.toMatch(SECRET);
  });

  it('lets another provider configuration authenticate with it during apply, then revokes it', async () => {
    const before = (await runTokens()).length;
    const apply = await tf.apply();
    expect(apply.stdout).not.toMatch(SECRET);
    expect(await tf.output('authenticated_as')).toBe('admin@tessera.localhost');
    const tokens = await runTokens();
    expect(tokens.length).toBeGreaterThan(before);
    expect(tokens.filter((t) => t.revoked_at === null)).toEqual([]);
    const state = await tf.readFile('terraform.tfstate');
    expect(state).not.toMatch(SECRET);
    expect(state).not.toContain('terraform-run');
  });

  it('rejects an expiration_days outside the policy with a diagnostic on the attribute', async () => {
    const bad = await terraformSession(api, {
      'main.tf': `
terraform {
  required_providers {
    tessera = { source = "tessera/tessera" }
  }
}
ephemeral "tessera_personal_access_token" "bad" {
  name            = "too-long"
  expiration_days = 45
}
`,
    });
    try {
      await bad.runOk(['init', '-no-color', '-input=false']);
      const result = await bad.run(['validate', '-no-color']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Error: Invalid expiration_days');
      expect(result.stderr).toContain('expiration_days = 45');
      expect(result.stderr).not.toMatch(/panic|crash/i);
    } finally {
      bad.cleanup();
    }
  });
});
