// End to end, with the real terraform CLI: a managed token when the world around it changes —
// the operator lowers the server's maximum lifetime, expiration_days is only known at apply,
// and a destroy whose revocation reached the API but whose answer was lost.
import { providerScenario, unwrap } from '../../../test/provider/terraform-session';

jest.setTimeout(240_000);

const HEADER = `
terraform {
  required_providers {
    tessera = { source = "tessera/tessera" }
  }
}
`;

const scenario = providerScenario();
const { session } = scenario;

async function meStatus(token: string): Promise<number> {
  return (await scenario.api.request('GET', '/api/v1/me', { token })).status;
}

describe('a lowered server maximum lifetime', () => {
  it('still lets plan, plan -destroy and destroy run for existing longer-lived tokens, with a warning', async () => {
    const tf = await session({
      'main.tf': `${HEADER}
resource "tessera_personal_access_token" "long" {
  for_each        = toset(["a", "b"])
  name            = "long-\${each.key}"
  expiration_days = 20
}
`,
    });
    await tf.apply();
    const ids = (await scenario.api.sql<{ id: string }>("SELECT id FROM tokens WHERE name LIKE 'long-%' AND revoked_at IS NULL")).map(
      (r) => r.id,
    );
    expect(ids).toHaveLength(2);

    await scenario.api.restart({ patMaxDays: 7 });
    try {
      const policy = await scenario.api.request('GET', '/api/v1/token-policy', { token: scenario.api.adminToken });
      expect(policy.json).toMatchObject({ personal_access_token: { max_expiration_days: 7 } });

      const plan = await tf.plan();
      expect(plan.changes).toBe(false);
      const out = unwrap(plan.stdout + plan.stderr);
      expect(out).toContain("Warning: Token lifetime above the server's current maximum");
      expect(out).toContain("expiration_days is 20, but the server's token policy now allows 1–7 days");
      expect(out).toContain('The existing token keeps working until it expires');
      expect(out).toContain('its next replacement (rotation, or a change that forces a new token) will fail');
      expect(out).not.toContain('Error:');

      const destroyPlan = await tf.run(['plan', '-destroy', '-no-color', '-input=false']);
      expect(unwrap(destroyPlan.stderr)).not.toContain('Error:');
      expect(destroyPlan.code).toBe(0);
      expect(destroyPlan.stdout).toContain('Plan: 0 to add, 0 to change, 2 to destroy.');

      const destroy = await tf.run(['destroy', '-auto-approve', '-no-color', '-input=false']);
      expect(unwrap(destroy.stderr)).not.toContain('Error:');
      expect(destroy.code).toBe(0);
      const left = await scenario.api.sql<{ id: string }>('SELECT id FROM tokens WHERE id = ANY($1) AND revoked_at IS NULL', [ids]);
      expect(left).toEqual([]);
    } finally {
      await scenario.api.restart({ patMaxDays: 30 });
    }
  });
});

describe('expiration_days known only at apply', () => {
  const files = {
    'main.tf': `${HEADER}
variable "days" {
  type = number
}
resource "terraform_data" "days" {
  input = var.days
}
resource "tessera_personal_access_token" "fed" {
  name            = "fed-by-output"
  expiration_days = terraform_data.days.output
  lifecycle {
    create_before_destroy = true
  }
}
`,
  };

  it('warns at plan time, and with create_before_destroy a bad value leaves the old token in place', async () => {
    const tf = await session(files);
    await tf.apply(['-var=days=3']);
    const before = await tf.attributes('tessera_personal_access_token.fed');
    expect(before.expiration_days).toBe(3);

    const plan = await tf.plan(['-var=days=31']);
    expect(plan.changes).toBe(true);
    expect(plan.stdout).toContain('tessera_personal_access_token.fed must be replaced');
    const out = unwrap(plan.stdout + plan.stderr);
    expect(out).toContain('Warning: expiration_days is not known until apply');
    expect(out).toContain('lifecycle { create_before_destroy = true }');
    expect(out).toContain('with tessera_personal_access_token.fed');

    const apply = await tf.run(['apply', '-auto-approve', '-no-color', '-input=false', '-var=days=31']);
    expect(apply.code).toBe(1);
    const applyOut = unwrap(apply.stderr);
    expect(applyOut).toContain('Error: Invalid expiration_days');
    expect(applyOut).toContain('expiration_days is 31');
    // The old token was not destroyed: it still works, and the state still holds it (Terraform
    // keeps it as the deposed object of the failed create_before_destroy replacement).
    expect(await meStatus(before.token as string)).toBe(200);
    const state = JSON.parse(await tf.readFile('terraform.tfstate')) as {
      resources: Array<{ type: string; name: string; instances: Array<{ attributes: { id: string }; deposed?: string }> }>;
    };
    const instances = state.resources.find((r) => r.type === 'tessera_personal_access_token' && r.name === 'fed')?.instances ?? [];
    expect(instances.map((i) => i.attributes.id)).toEqual([before.id]);

    // Back to a valid value: the next apply creates the new token, then revokes the old one.
    await tf.apply(['-var=days=5']);
    const replaced = await tf.attributes('tessera_personal_access_token.fed');
    expect(replaced.id).not.toBe(before.id);
    expect(await meStatus(replaced.token as string)).toBe(200);
    expect(await meStatus(before.token as string)).toBe(401);
  });
});

describe('after a destroy whose revocation reached the API but whose answer was lost', () => {
  it('reports the vanished token in words that stay true', async () => {
    const proxy = await scenario.proxy();
    const tf = await session(
      {
        'main.tf': `${HEADER}
resource "tessera_personal_access_token" "lost" {
  name            = "answer-lost"
  expiration_days = 10
}
`,
      },
      { TESSERA_ENDPOINT: proxy.url, TESSERA_REQUEST_TIMEOUT: '3s' },
    );
    await tf.apply();
    const { id, token } = await tf.attributes('tessera_personal_access_token.lost');

    // The first DELETE reaches the API (which revokes) but its answer never comes back; every
    // retry then finds the connection reset.
    let deletes = 0;
    proxy.setRule(({ method }) => {
      if (method !== 'DELETE') return 'forward';
      deletes += 1;
      return deletes === 1 ? 'forward-reset' : 'reset';
    });
    const destroy = await tf.run(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expect(destroy.code).toBe(1);
    expect(unwrap(destroy.stderr)).toContain(`Could not revoke personal access token ${id as string}`);
    expect(await meStatus(token as string)).toBe(401);

    proxy.setRule(() => 'forward');
    const plan = await tf.plan();
    const out = unwrap(plan.stdout + plan.stderr);
    expect(out).not.toContain('outside Terraform');
    expect(out).toContain('Warning: Personal access token no longer active');
    expect(out).toContain(`The token "answer-lost" (id ${id as string}) is no longer active in Tessera`);
    expect(out).toContain('was revoked (not by an apply whose result this state recorded) or no longer exists');
  });
});
