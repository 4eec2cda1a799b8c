// End to end: when an apply fails after the ephemeral token was opened, Terraform skips
// CloseEphemeralResource ("upstream of ephemeral … errored, so skipping"). The provider must
// still revoke the token before its process ends, and open it with the shortest lifetime the
// server's policy allows.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestApi, type TestApi } from '../../../test/support/api-server';
import { terraformSession, type TerraformSession } from '../../../test/provider/terraform-session';

jest.setTimeout(180_000);

const DAY_MS = 86_400_000;

const FAILING_RUN_TF = `
terraform {
  required_providers {
    tessera = { source = "tessera/tessera" }
  }
}

ephemeral "tessera_personal_access_token" "run" {
  name = "failing-run"
}

# Downstream of the ephemeral token, and failing at apply: Terraform then skips closing it.
resource "terraform_data" "consumer" {
  input = "uses the token"
  provisioner "local-exec" {
    command     = "echo consumer failed on purpose >&2; exit 3"
    environment = { TOKEN_HINT = ephemeral.tessera_personal_access_token.run.token_hint }
  }
}
`;

interface ListedToken {
  id: string;
  name: string;
  created_at: string;
  expires_at: string;
}

let api: TestApi;
let tf: TerraformSession;

beforeAll(async () => {
  api = await startTestApi();
  tf = await terraformSession(api, { 'main.tf': FAILING_RUN_TF });
  await tf.runOk(['init', '-no-color', '-input=false']);
});

afterAll(async () => {
  tf?.cleanup();
  await api?.stop();
});

/** The admin's active tokens named "failing-run", as the API lists them. */
async function activeRunTokens(): Promise<ListedToken[]> {
  const listed = await api.request('GET', '/api/v1/personal-access-tokens?page_size=200', { token: api.adminToken });
  expect(listed.status).toBe(200);
  const body = listed.json as { personal_access_tokens: ListedToken[] };
  return body.personal_access_tokens.filter((t) => t.name === 'failing-run');
}

describe('ephemeral tessera_personal_access_token when the run fails', () => {
  it('revokes the token it opened although Terraform never closes it', async () => {
    const logPath = join(tf.dir, 'apply.log');
    const apply = await tf.run(['apply', '-auto-approve', '-no-color', '-input=false'], {
      env: { TF_LOG_PROVIDER: 'info', TF_LOG_PATH: logPath },
    });
    expect(apply.code).toBe(1);
    // Terraform skipped the close, and the provider revoked the token as it was shut down.
    const log = await readFile(logPath, 'utf8');
    expect(log).toMatch(/revoked ephemeral personal access token that Terraform did not close: .*stop_reason=shutdown/);
    expect(apply.stdout).toContain('ephemeral.tessera_personal_access_token.run: Opening...');
    expect(apply.stderr).toContain('consumer failed on purpose');
    // The token was really opened in this apply (and in the plan before it) …
    const opened = await api.sql<{ id: string; revoked_at: Date | null }>("SELECT id, revoked_at FROM tokens WHERE name = 'failing-run'");
    expect(opened.length).toBeGreaterThanOrEqual(1);
    // … and none of them is still usable once terraform has exited.
    expect(await activeRunTokens()).toEqual([]);
    expect(opened.every((t) => t.revoked_at !== null)).toBe(true);
  });

  it('opens ephemeral tokens with the shortest lifetime the policy allows', async () => {
    const [row] = await api.sql<{ created_at: Date; expires_at: Date }>(
      "SELECT created_at, expires_at FROM tokens WHERE name = 'failing-run' ORDER BY created_at DESC LIMIT 1",
    );
    expect(row).toBeDefined();
    const policy = await api.request('GET', '/api/v1/token-policy', { token: api.adminToken });
    const min = (policy.json as { personal_access_token: { min_expiration_days: number } }).personal_access_token.min_expiration_days;
    expect(row!.expires_at.getTime() - row!.created_at.getTime()).toBe(min * DAY_MS);
  });
});
