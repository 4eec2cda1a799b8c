// End to end: Terraform run as a service account. An administrator bootstraps a CI identity (a
// SysAdmin team, a service account, its membership); a second working directory, "CI", runs with
// that service account's token as api_token and manages Tessera objects; once the membership
// is removed, CI's next plan fails with a diagnostic naming the role it lacks. Personal-token
// resources refuse a service-account provider at plan, pointing at their configuration.
import { join } from 'node:path';
import { exampleFiles, providerScenario, unwrap, VERSIONS_TF, type TerraformSession } from './terraform-session';

jest.setTimeout(300_000);

const scenario = providerScenario();

const BOOTSTRAP = `
resource "tessera_team" "automation" {
  name = "ci-admins"
  role = "SysAdmin"
}

resource "tessera_service_account" "ci" {
  name = "ci"
}

resource "tessera_team_membership" "ci" {
  team_id            = tessera_team.automation.id
  service_account_id = tessera_service_account.ci.id
}

output "ci_token" {
  value     = tessera_service_account.ci.token
  sensitive = true
}
`;

const CI_CONFIG = `
resource "tessera_team" "from_ci" {
  name = "made-by-ci"
  role = "ReadOnly"
}

# Independent of the team, so that both are refreshed (and both refusals reported) in one plan.
resource "tessera_service_account" "worker" {
  name            = "worker-made-by-ci"
  expiration_days = 30
}
`;

/** A stack trace or a crash report in Terraform's output: none may appear. */
const CRASH = /panic:|goroutine \d|\n\s+at [\w.<>]+ \(|Plugin did not respond|unexpected EOF|TypeError|ReferenceError/;

let admin: TerraformSession;
let ciToken: string;

beforeAll(async () => {
  admin = await scenario.session({ 'versions.tf': VERSIONS_TF, 'main.tf': BOOTSTRAP });
});

describe('a configuration applied by a service account', () => {
  it('bootstraps as admin: a SysAdmin team, a service account and its membership', async () => {
    await admin.apply();
    ciToken = await admin.output('ci_token');
    expect(ciToken).toMatch(/^tssvc_/);
    const me = await scenario.api.request('GET', '/api/v1/me', { token: ciToken });
    expect((me.json as { teams: Array<{ name: string; role: string }> }).teams).toEqual([
      expect.objectContaining({ name: 'ci-admins', role: 'SysAdmin' }),
    ]);
  });

  let ci: TerraformSession;

  it('applies a configuration with the service-account token as api_token; the audit log names the service account', async () => {
    ci = await scenario.session({ 'versions.tf': VERSIONS_TF, 'main.tf': CI_CONFIG }, { TESSERA_API_TOKEN: ciToken });
    await ci.apply();
    const teams = await scenario.api.request('GET', '/api/v1/teams?name=made-by-ci', { token: scenario.api.adminToken });
    expect((teams.json as { teams: Array<{ role: string }> }).teams).toEqual([expect.objectContaining({ role: 'ReadOnly' })]);
    const worker = await ci.attributes('tessera_service_account.worker');
    const workerMe = await scenario.api.request('GET', '/api/v1/me', { token: worker.token as string });
    expect(workerMe.status).toBe(200);
    const sa = (await admin.attributes('tessera_service_account.ci')).id as string;
    const rows = await scenario.api.sql<{ actor_service_account_id: string | null }>(
      "SELECT actor_service_account_id FROM audit_events WHERE action = 'service_account.created' AND target_id = $1",
      [worker.id],
    );
    expect(rows).toEqual([{ actor_service_account_id: sa }]);
    expect((await ci.plan()).changes).toBe(false);
  });

  it('once the membership is removed, the next plan fails cleanly, naming the role needed', async () => {
    await admin.writeFile('main.tf', BOOTSTRAP.replace(/resource "tessera_team_membership"[\s\S]*?\n}\n/, ''));
    const removal = await admin.apply();
    expect(removal.stdout).toContain('tessera_team_membership.ci: Destruction complete');
    const plan = await ci.run(['plan', '-no-color', '-input=false']);
    expect(plan.code).toBe(1);
    const out = unwrap(plan.stdout + plan.stderr);
    expect(out).toMatch(
      /Error: Could not read service account [0-9a-f-]{36}: the SysAdmin role is needed with tessera_service_account.worker/,
    );
    expect(out).toContain('needs the SysAdmin role through a team it belongs to');
    expect(out).toMatch(
      /Error: Could not read team [0-9a-f-]{36}: the SysAdmin, Member or ReadOnly role is needed with tessera_team.from_ci/,
    );
    expect(out).toContain('tessera_team_membership');
    expect(plan.stdout + plan.stderr).not.toMatch(CRASH);
    expect(plan.stdout + plan.stderr).not.toContain(ciToken);
  });
});

describe('personal-token resources under a service-account token', () => {
  let sa: TerraformSession;

  beforeAll(async () => {
    sa = await scenario.session({ 'versions.tf': VERSIONS_TF }, { TESSERA_API_TOKEN: ciToken });
  });

  async function failingPlan(config: string): Promise<string> {
    await sa.writeFile('main.tf', config);
    const plan = await sa.run(['plan', '-no-color', '-input=false']);
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).not.toMatch(CRASH);
    return unwrap(plan.stderr);
  }

  it('tessera_personal_access_token fails at plan, on its configuration, saying what to use instead', async () => {
    const out = await failingPlan(
      'resource "tessera_personal_access_token" "mine" {\n  name            = "mine"\n  expiration_days = 7\n}\n',
    );
    expect(out).toContain('Error: Service accounts cannot own personal access tokens');
    expect(out).toContain('with tessera_personal_access_token.mine');
    expect(out).toContain('name = "mine"');
    expect(out).toContain('the TESSERA_API_TOKEN environment variable');
    expect(out).toContain('manage a tessera_service_account instead');
  });

  it('the ephemeral personal access token and the "my tokens" data source fail alike', async () => {
    const ephemeral = await failingPlan(
      'ephemeral "tessera_personal_access_token" "run" {\n  name = "run"\n}\n\nprovider "tessera" {\n  alias     = "as_run"\n  api_token = ephemeral.tessera_personal_access_token.run.token\n}\n\ndata "tessera_current_user" "me" {\n  provider = tessera.as_run\n}\n',
    );
    expect(ephemeral).toContain('Error: Service accounts cannot own personal access tokens');
    expect(ephemeral).toContain('with ephemeral.tessera_personal_access_token.run');
    const list = await failingPlan('data "tessera_personal_access_tokens" "mine" {}\n');
    expect(list).toContain('Error: Service accounts cannot own personal access tokens');
    expect(list).toContain('with data.tessera_personal_access_tokens.mine');
  });
});

describe("the README's CI bootstrap (provider/resources/service-account/ci-identity)", () => {
  it('applies as admin, then the same configuration from "CI" with the service account token plans nothing and applies', async () => {
    const files = exampleFiles(join(__dirname, '../../provider/resources/service-account/ci-identity'));
    const asAdmin = await scenario.session(files);
    await asAdmin.apply();
    const token = await asAdmin.output('ci_token');
    expect(token).toMatch(/^tssvc_/);
    const fromCi = await scenario.session(files, { TESSERA_API_TOKEN: token });
    // CI starts from the state the administrator left (in practice: a shared remote backend).
    await fromCi.writeFile('terraform.tfstate', await asAdmin.readFile('terraform.tfstate'));
    const plan = await fromCi.plan();
    expect(plan.changes).toBe(false);
    const apply = await fromCi.apply();
    expect(apply.stdout).toContain('Apply complete! Resources: 0 added, 0 changed, 0 destroyed.');
    expect(apply.stdout + apply.stderr).not.toContain(token);

    // CI rotates its own identity: the new account (in the team from its creation) exists before
    // the old one, whose token this very run uses, is deleted.
    const old = await fromCi.attributes('tessera_service_account.ci');
    await scenario.api.sql("UPDATE tokens SET expires_at = now() + interval '10 days' WHERE service_account_id = $1", [old.id]);
    const rotation = await fromCi.apply();
    expect(rotation.stdout).toContain('Apply complete! Resources: 1 added, 0 changed, 1 destroyed.');
    const rotated = await fromCi.output('ci_token');
    expect(rotated).not.toBe(token);
    const me = await scenario.api.request('GET', '/api/v1/me', { token: rotated });
    expect((me.json as { teams: Array<{ role: string }> }).teams).toEqual([expect.objectContaining({ role: 'SysAdmin' })]);
    const gone = await scenario.api.request('GET', `/api/v1/service-accounts/${old.id as string}`, { token: scenario.api.adminToken });
    expect(gone.status).toBe(404);
  });
});
