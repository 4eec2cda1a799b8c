// End to end: twenty service accounts from one for_each, created and destroyed by terraform at
// -parallelism=20 against one API: every account is made exactly once, every token works, the
// re-plan is empty and destroy leaves none behind.
import { providerScenario, VERSIONS_TF } from '../../../test/provider/terraform-session';

jest.setTimeout(300_000);

const COUNT = 20;
const CONFIG = `
resource "tessera_service_account" "fleet" {
  for_each        = toset([for i in range(${COUNT}) : format("fleet-%02d", i)])
  name            = each.key
  expiration_days = 30
}

output "tokens" {
  value     = { for name, account in tessera_service_account.fleet : name => account.token }
  sensitive = true
}
`;

const scenario = providerScenario();

async function liveFleet(): Promise<Array<{ id: string; name: string }>> {
  const rows = await scenario.api.sql<{ id: string; name: string }>(
    "SELECT id, name FROM service_accounts WHERE deleted_at IS NULL AND name LIKE 'fleet-%' ORDER BY name",
  );
  return rows;
}

describe('for_each over 20 service accounts at -parallelism=20', () => {
  it('creates each exactly once, every token authenticates, re-plan is empty, destroy removes all', async () => {
    const tf = await scenario.session({ 'versions.tf': VERSIONS_TF, 'main.tf': CONFIG });
    const started = Date.now();
    const apply = await tf.apply(['-parallelism=20']);
    const applyMs = Date.now() - started;
    expect(apply.stdout).toContain(`Apply complete! Resources: ${COUNT} added, 0 changed, 0 destroyed.`);

    const live = await liveFleet();
    expect(live.map((a) => a.name)).toEqual(Array.from({ length: COUNT }, (_, i) => `fleet-${String(i).padStart(2, '0')}`));
    const tokens = JSON.parse((await tf.runOk(['output', '-json', 'tokens'])).stdout) as Record<string, string>;
    expect(new Set(Object.values(tokens)).size).toBe(COUNT);
    for (const [name, token] of Object.entries(tokens)) {
      const me = await scenario.api.request('GET', '/api/v1/me', { token });
      expect(me.status).toBe(200);
      expect((me.json as { service_account: { name: string } }).service_account.name).toBe(name);
    }

    expect((await tf.plan(['-parallelism=20'])).changes).toBe(false);

    const destroyStarted = Date.now();
    const destroy = await tf.runOk(['destroy', '-auto-approve', '-no-color', '-input=false', '-parallelism=20']);
    const destroyMs = Date.now() - destroyStarted;
    expect(destroy.stdout).toContain(`Destroy complete! Resources: ${COUNT} destroyed.`);
    expect(await liveFleet()).toEqual([]);
    process.stdout.write(`for_each ${COUNT} service accounts at -parallelism=20: apply ${applyMs} ms, destroy ${destroyMs} ms\n`);
  });
});
