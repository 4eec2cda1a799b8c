// The committed bindings and every example stack compile with tsc and synthesize Terraform JSON
// that names our provider, marks every token output sensitive and holds no secret.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileBindingsAndExamples, synthExample, type SynthesizedStack } from './support/stacks';

// Well-formed secrets (right prefix and length) that the stacks must never copy into cdk.tf.json.
// Token-shaped values are assembled at run time: no literal that secret scanners would flag.
const ENV_SECRET = ['tspat', 'EnvSecretEnvSecretEnvSecretEnvSec000'].join('_');
const VAR_SECRET = ['tspat', 'VarSecretVarSecretVarSecretVarSec000'].join('_');
const ANY_SECRET = /ts(pat|svc)_[0-9A-Za-z]{36}/;

let workDir: string;
let ciToken: SynthesizedStack;
let teamTokens: SynthesizedStack;
let ciIdentity: SynthesizedStack;

beforeAll(async () => {
  await compileBindingsAndExamples();
  workDir = mkdtempSync(path.join(tmpdir(), 'tessera-cdktf-synth-'));
  const credentials = {
    TESSERA_API_TOKEN: ENV_SECRET,
    TESSERA_ENDPOINT: 'http://127.0.0.1:9',
    TF_VAR_tessera_api_token: VAR_SECRET,
  };
  ciToken = await synthExample('ci-token', workDir, credentials);
  teamTokens = await synthExample('team-tokens', workDir, credentials);
  ciIdentity = await synthExample('ci-identity', workDir, credentials);
}, 600_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe.each([
  ['ci-token', () => ciToken],
  ['team-tokens', () => teamTokens],
  ['ci-identity', () => ciIdentity],
])('synthesized %s stack', (_name, stack) => {
  it('requires the tessera provider by its source address', () => {
    const required = stack().json.terraform.required_providers.tessera;
    expect(required?.source).toBe('tessera/tessera');
    expect(required?.version).toMatch(/^~> \d+\.\d+$/);
  });

  it('contains no secret, neither from the environment nor any other', () => {
    expect(stack().text).not.toContain(ENV_SECRET);
    expect(stack().text).not.toContain(VAR_SECRET);
    expect(stack().text).not.toMatch(ANY_SECRET);
    for (const block of stack().json.provider?.tessera ?? []) {
      // Either absent (the provider reads TESSERA_API_TOKEN) or a reference, never a literal.
      if ('api_token' in block) expect(block.api_token).toMatch(/^\$\{var\.[a-z_]+\}$/);
    }
  });

  it('marks every output that carries a token secret as sensitive', () => {
    const outputs = Object.entries(stack().json.output ?? {});
    const secretOutputs = outputs.filter(([, output]) => JSON.stringify(output.value).includes('.token}'));
    expect(secretOutputs.length).toBeGreaterThan(0);
    for (const [name, output] of secretOutputs) expect({ name, sensitive: output.sensitive }).toEqual({ name, sensitive: true });
  });
});

describe('ci-token stack', () => {
  it('declares a rotating CI token replaced before it is destroyed', () => {
    expect(ciToken.json.resource?.tessera_personal_access_token?.ci).toMatchObject({
      name: 'ci-deploy',
      expiration_days: 30,
      rotate_before_days: 7,
      lifecycle: { create_before_destroy: true },
    });
  });

  it('outputs expires_at in the clear and the token as sensitive', () => {
    expect(ciToken.json.output?.expires_at?.value).toBe('${tessera_personal_access_token.ci.expires_at}');
    expect(ciToken.json.output?.expires_at?.sensitive).toBeUndefined();
    expect(ciToken.json.output?.token).toMatchObject({ value: '${tessera_personal_access_token.ci.token}', sensitive: true });
  });
});

describe('team-tokens stack', () => {
  it('reads the current user and builds one token per purpose', () => {
    expect(teamTokens.json.data?.tessera_current_user).toHaveProperty('me');
    const tokens = teamTokens.json.resource?.tessera_personal_access_token ?? {};
    expect(Object.keys(tokens).sort()).toEqual(['token_build', 'token_deploy', 'token_metrics']);
    for (const token of Object.values(tokens)) {
      expect(token.name).toMatch(/\(\$\{data\.tessera_current_user\.me\.email\}\)$/);
      expect(token.expiration_days).toEqual(expect.any(Number));
    }
  });

  it('takes the API token from a sensitive variable', () => {
    expect(teamTokens.json.variable?.tessera_api_token).toEqual(expect.objectContaining({ type: 'string', sensitive: true }));
    expect(teamTokens.json.provider?.tessera?.[0]?.api_token).toBe('${var.tessera_api_token}');
  });
});

describe('ci-identity stack', () => {
  it('declares a team and a rotating service account in it, replaced before it is destroyed', () => {
    expect(ciIdentity.json.resource?.tessera_team?.ci_team).toMatchObject({ name: 'ci-pipelines', role: 'SysAdmin' });
    expect(ciIdentity.json.resource?.tessera_service_account?.ci).toMatchObject({
      name: 'ci-pipeline',
      expiration_days: 90,
      rotate_before_days: 14,
      team_ids: ['${tessera_team.ci_team.id}'],
      lifecycle: { create_before_destroy: true },
    });
  });

  it("outputs the service account's token as sensitive", () => {
    expect(ciIdentity.json.output?.token).toMatchObject({ value: '${tessera_service_account.ci.token}', sensitive: true });
    expect(ciIdentity.json.output?.expires_at?.sensitive).toBeUndefined();
  });
});
