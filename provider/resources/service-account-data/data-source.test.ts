// End to end: the documented example finds a service account by name through the real CLI;
// lookups by id, and names matching no account or two, end in diagnostics on the attribute.
import { join } from 'node:path';
import { exampleFiles, providerScenario, unwrap, type TerraformSession } from '../../../test/provider/terraform-session';

jest.setTimeout(180_000);

const scenario = providerScenario();
let tf: TerraformSession;

async function createAccount(name: string): Promise<string> {
  const res = await scenario.api.request('POST', '/api/v1/service-accounts', {
    token: scenario.api.adminToken,
    body: { name, expiration_days: 10 },
  });
  expect(res.status).toBe(201);
  return (res.json as { id: string }).id;
}

beforeAll(async () => {
  tf = await scenario.session(exampleFiles(join(__dirname, 'example')));
});

describe('data source tessera_service_account', () => {
  it('finds the account by name (ignoring case), as the example does', async () => {
    const id = await createAccount('Metrics-Collector');
    await tf.apply();
    expect(await tf.output('collector_id')).toBe(id);
    const account = (await scenario.api.request('GET', `/api/v1/service-accounts/${id}`, { token: scenario.api.adminToken })).json as {
      expires_at: string;
    };
    expect(await tf.output('collector_expires_at')).toBe(account.expires_at);
  });

  it('finds the account by id', async () => {
    const id = await createAccount('by-id');
    await tf.writeFile(
      'by-id.tf',
      `data "tessera_service_account" "by_id" {\n  id = "${id}"\n}\n\noutput "by_id_name" {\n  value = data.tessera_service_account.by_id.name\n}\n`,
    );
    await tf.apply();
    expect(await tf.output('by_id_name')).toBe('by-id');
    await tf.writeFile('by-id.tf', '');
  });

  it('fails on the name attribute when no account or two accounts have the name', async () => {
    const none = await tf.run(['plan', '-no-color', '-input=false', '-var', 'collector_name=nobody']);
    expect(none.code).toBe(1);
    expect(unwrap(none.stderr)).toContain('Error: Service account not found');
    expect(unwrap(none.stderr)).toContain('No live service account is named "nobody"');
    expect(unwrap(none.stderr)).toContain('name = var.collector_name');
    const first = await createAccount('twin');
    const second = await createAccount('twin');
    const twins = await tf.run(['plan', '-no-color', '-input=false', '-var', 'collector_name=twin']);
    expect(twins.code).toBe(1);
    const out = unwrap(twins.stderr);
    expect(out).toContain('Error: Service account name is ambiguous');
    expect(out).toContain(first);
    expect(out).toContain(second);
    expect(out).toContain('name = var.collector_name');
  });

  it('refuses both id and name, naming the attribute', async () => {
    await tf.writeFile(
      'both.tf',
      'data "tessera_service_account" "both" {\n  id   = "00000000-0000-4000-8000-000000000000"\n  name = "x"\n}\n',
    );
    const both = await tf.run(['plan', '-no-color', '-input=false']);
    expect(both.code).toBe(1);
    expect(unwrap(both.stderr)).toContain('Error: Set exactly one of id and name');
    await tf.writeFile('both.tf', '');
  });
});
