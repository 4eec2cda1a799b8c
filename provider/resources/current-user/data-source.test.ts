// End to end: the documented example reads the provider's user through the real CLI.
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

describe('data source tessera_current_user', () => {
  it('returns the user, their teams and roles', async () => {
    await tf.apply();
    expect(await tf.output('email')).toBe('admin@tessera.localhost');
    const roles = JSON.parse((await tf.runOk(['output', '-json', 'roles'])).stdout) as unknown;
    expect(roles).toEqual(['SysAdmin']);
    const me = (await api.request('GET', '/api/v1/me', { token: api.adminToken })).json as {
      id: string;
      teams: Array<{ id: string; name: string }>;
    };
    const state = JSON.parse((await tf.runOk(['show', '-json'])).stdout) as {
      values: {
        root_module: {
          resources: Array<{ address: string; values: { id: string; teams: Array<{ id: string; name: string; role: string }> } }>;
        };
      };
    };
    const data = state.values.root_module.resources.find((r) => r.address === 'data.tessera_current_user.me');
    expect(data?.values.id).toBe(me.id);
    expect(data?.values.teams).toEqual(me.teams.map((t) => ({ id: t.id, name: t.name, role: 'SysAdmin' })));
  });
});
