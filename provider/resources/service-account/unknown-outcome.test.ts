// A service-account create whose answer is lost: the real terraform CLI, the real API on a real
// PostgreSQL, and a local proxy that forwards the create but drops the answer on every retry.
// The account (a live credential) then exists while the apply fails; the error must say so, and
// the next apply must settle it: no account left behind, none made twice.
import { providerScenario, unwrap, VERSIONS_TF, type TerraformSession } from '../../../test/provider/terraform-session';
import type { FaultProxy } from '../../../test/support/fault-proxy';

jest.setTimeout(240_000);

const ADDRESS = 'tessera_service_account.lost';
const NAME = 'answer-lost';
const CONFIG = `
resource "tessera_service_account" "lost" {
  name            = "${NAME}"
  expiration_days = 30
}
`;
const CREATE_PATH = '/api/v1/service-accounts';

const scenario = providerScenario();
let proxy: FaultProxy;
let tf: TerraformSession;

beforeAll(async () => {
  proxy = await scenario.proxy();
  tf = await scenario.session({ 'versions.tf': VERSIONS_TF, 'main.tf': CONFIG }, { TESSERA_ENDPOINT: proxy.url });
});

const liveNamed = async (name: string) =>
  scenario.api.sql<{ id: string }>('SELECT id FROM service_accounts WHERE name = $1 AND deleted_at IS NULL ORDER BY created_at', [name]);

async function applyLosingTheAnswer(extraArgs: string[] = []): Promise<void> {
  proxy.setRule(({ method, path }) => (method === 'POST' && path === CREATE_PATH ? 'forward-reset' : 'forward'));
  const before = proxy.requests.length;
  const failed = await tf.run(['apply', '-auto-approve', '-no-color', '-input=false', ...extraArgs]);
  proxy.setRule(() => 'forward');
  expect(failed.code).toBe(1);
  const attempts = proxy.requests.slice(before).filter((r) => r.mode === 'forward-reset');
  expect(attempts.length).toBeGreaterThanOrEqual(2);
  for (const attempt of attempts) expect(attempt.status).toBe(201);
  const out = unwrap(failed.stderr);
  expect(out).toContain('Error: Outcome of creating the service account is unknown');
  expect(out).toContain(`The request to create the service account "${NAME}" may have reached the Tessera API at ${proxy.url}`);
  expect(out).toContain(`GET /api/v1/service-accounts?name=${NAME}`);
}

describe('a service-account create whose answer is lost', () => {
  it('fails the apply saying the outcome is unknown; the retries made one account, not several', async () => {
    await applyLosingTheAnswer();
    expect(await liveNamed(NAME)).toHaveLength(1);
  });

  it('settles it on the next apply: the recovered account is replaced and deleted, one account remains, the one in the state', async () => {
    const [lost] = await liveNamed(NAME);
    const applied = await tf.apply();
    const out = unwrap(applied.stdout + applied.stderr);
    expect(out).toContain('Warning: Recovered the service account of an interrupted create');
    expect(out).toContain(`it answered with the account (id ${lost!.id}) and its token`);
    expect(out).toContain(`${ADDRESS} is tainted, so must be replaced`);
    const live = await liveNamed(NAME);
    expect(live).toHaveLength(1);
    expect(live[0]!.id).not.toBe(lost!.id);
    const state = await tf.attributes(ADDRESS);
    expect(state.id).toBe(live[0]!.id);
    expect((await scenario.api.request('GET', '/api/v1/me', { token: state.token as string })).status).toBe(200);
    expect((await tf.plan()).changes).toBe(false);
  });

  it('on destroy -refresh=false, leaves an unsettled create alone and says where to look', async () => {
    await applyLosingTheAnswer([`-replace=${ADDRESS}`]);
    const destroyed = await tf.runOk(['destroy', '-auto-approve', '-no-color', '-input=false', '-refresh=false']);
    const out = unwrap(destroyed.stdout + destroyed.stderr);
    expect(out).toContain('Warning: Interrupted service account create left unsettled');
    expect(out).toContain(`find it with GET /api/v1/service-accounts?name=${NAME} and delete it`);
    // Nothing was created by the destroy; what the lost create made is still there, as the warning says.
    expect(await liveNamed(NAME)).toHaveLength(1);
  });
});
