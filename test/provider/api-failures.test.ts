// End to end: the provider against an API that hangs, an endpoint written with the API's path
// prefix, and https:// pointed at a plain-HTTP server. Each must end quickly in words a user
// can act on.
import { providerScenario, unwrap } from './terraform-session';

jest.setTimeout(180_000);

const TOKEN_TF = (provider = '') => `
terraform {
  required_providers {
    tessera = { source = "tessera/tessera" }
  }
}
${provider}
resource "tessera_personal_access_token" "t" {
  name            = "api-failures"
  expiration_days = 3
}
`;

const scenario = providerScenario();
const { session, proxy } = scenario;

function expectClean(output: string): void {
  expect(output).not.toMatch(/panic|crash|stack trace|at [A-Za-z.]+ \(/i);
  expect(output).not.toContain(scenario.api.adminToken);
}

describe('one deadline on each provider operation', () => {
  it('fails a plan against a hanging API within TESSERA_REQUEST_TIMEOUT, naming the elapsed time and the attempts', async () => {
    const hanging = await proxy();
    hanging.setRule(() => 'hang');
    const tf = await session({ 'main.tf': TOKEN_TF() }, { TESSERA_ENDPOINT: hanging.url, TESSERA_REQUEST_TIMEOUT: '4s' });
    const started = Date.now();
    const plan = await tf.run(['plan', '-no-color', '-input=false'], { timeoutMs: 60_000 });
    const elapsed = Date.now() - started;
    expect(plan.code).toBe(1);
    const out = unwrap(plan.stderr);
    expect(out).toContain('Error: Cannot reach the Tessera API');
    expect(out).toMatch(
      new RegExp(
        `the Tessera API at ${hanging.url} gave no answer within the request timeout of 4s \\(TESSERA_REQUEST_TIMEOUT\\): [1-9] attempts? in 4\\.\\d s`,
      ),
    );
    expect(out).not.toContain('30000 ms');
    expectClean(plan.stdout + plan.stderr);
    // 4 s of deadline, plus terraform and the provider starting (measured: a few seconds).
    expect(elapsed).toBeLessThan(4_000 + 12_000);
    expect(hanging.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('takes request_timeout from the provider block, and refuses a value that is not a duration', async () => {
    const hanging = await proxy();
    hanging.setRule(() => 'hang');
    const tf = await session(
      { 'main.tf': TOKEN_TF(`provider "tessera" {\n  request_timeout = "3s"\n}\n`) },
      { TESSERA_ENDPOINT: hanging.url },
    );
    const plan = await tf.run(['plan', '-no-color', '-input=false'], { timeoutMs: 60_000 });
    expect(plan.code).toBe(1);
    expect(unwrap(plan.stderr)).toMatch(
      /gave no answer within the request timeout of 3s \(request_timeout in the provider configuration\): [1-9] attempts? in 3\.\d s/,
    );

    const bad = await session({ 'main.tf': TOKEN_TF(`provider "tessera" {\n  request_timeout = "soon"\n}\n`) });
    const validate = await bad.run(['validate', '-no-color']);
    expect(validate.code).toBe(1);
    const out = unwrap(validate.stderr);
    expect(out).toContain('Error: Invalid request_timeout');
    expect(out).toContain('request_timeout = "soon"');
    expectClean(validate.stdout + validate.stderr);
  });
});

describe('endpoint forms', () => {
  it.each(['/api/v1', '/api/v1/'])('accepts an endpoint ending in %s', async (suffix) => {
    const tf = await session({ 'main.tf': TOKEN_TF() }, { TESSERA_ENDPOINT: `${scenario.api.url}${suffix}` });
    const plan = await tf.run(['plan', '-no-color', '-input=false']);
    expect(unwrap(plan.stderr)).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Plan: 1 to add');
  });

  it('says at once, without retrying, that an https:// endpoint serves plain HTTP', async () => {
    const plain = await proxy();
    const endpoint = plain.url.replace('http://', 'https://');
    const tf = await session({ 'main.tf': TOKEN_TF() }, { TESSERA_ENDPOINT: endpoint });
    const plan = await tf.run(['plan', '-no-color', '-input=false']);
    expect(plan.code).toBe(1);
    const out = unwrap(plan.stderr);
    expect(out).toContain('Error: Cannot reach the Tessera API');
    expect(out).toContain(
      `the server at ${endpoint} answered in plain HTTP, not HTTPS: use http:// in the endpoint, or put TLS in front of the API`,
    );
    expect(out).not.toContain('ERR_SSL');
    expect(out).toContain('1 attempt');
    expectClean(plan.stdout + plan.stderr);
    // The configure step makes two calls at once (identity and token policy): one connection
    // each, none retried.
    expect(plain.connections).toBeLessThanOrEqual(2);
  });
});
