// End to end: the documented example lists the caller's active tokens through the real CLI.
import { join } from 'node:path';
import { startTestApi, type TestApi } from '../../../test/support/api-server';
import { exampleFiles, terraformSession, type TerraformSession } from '../../../test/provider/terraform-session';

jest.setTimeout(120_000);

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

type Created = {
  id: string;
  token_hint: string;
};

async function create(name: string, days: number): Promise<Created> {
  const response = await api.request('POST', '/api/v1/personal-access-tokens', {
    token: api.adminToken,
    body: { name, expiration_days: days },
  });
  expect(response.status).toBe(201);
  return response.json as Created;
}

describe('data source tessera_personal_access_tokens', () => {
  it("lists the caller's active tokens with their metadata, never a secret", async () => {
    const soon = await create('expires-soon', 3);
    const later = await create('expires-later', 30);
    const revoked = await create('revoked', 30);
    expect((await api.request('DELETE', `/api/v1/personal-access-tokens/${revoked.id}`, { token: api.adminToken })).status).toBe(204);

    const apply = await tf.apply();
    expect(apply.stdout).not.toMatch(/tspat_[0-9A-Za-z]{36}/);
    const hints = JSON.parse((await tf.runOk(['output', '-json', 'token_hints'])).stdout) as Record<string, string>;
    expect(hints[soon.id]).toBe(soon.token_hint);
    expect(hints[later.id]).toBe(later.token_hint);
    expect(hints[revoked.id]).toBeUndefined();
    const expiring = JSON.parse((await tf.runOk(['output', '-json', 'expiring_soon'])).stdout) as string[];
    expect(expiring).toContain('expires-soon');
    expect(expiring).not.toContain('expires-later');
    const state = await tf.readFile('terraform.tfstate');
    expect(state).toContain('"last_used_at"');
    expect(state).not.toMatch(/tspat_[0-9A-Za-z]{36}/);
  });
});
