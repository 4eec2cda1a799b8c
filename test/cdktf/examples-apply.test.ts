// End to end: the example stacks are synthesized, then the real terraform CLI installs the built
// provider from a filesystem mirror and applies them against a real API on a real PostgreSQL.
// The tokens must work, a second plan must be empty, and destroy must revoke them.
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { startE2eEnvironment, type E2eEnvironment } from './support/e2e';
import { StackRun, getMe as getMeAt, listActiveTokens } from './support/stack-run';
import { compileBindingsAndExamples, synthExample, type ExampleStack } from './support/stacks';

// Generous: terraform runs the provider several times per command, and CI machines are shared.
jest.setTimeout(600_000);

let e2e: E2eEnvironment;

beforeAll(async () => {
  e2e = await startE2eEnvironment(compileBindingsAndExamples);
});

afterAll(async () => {
  await e2e?.close();
});

const getMe = (secret: string) => getMeAt(e2e.api.url, secret);

async function synth(stack: ExampleStack, env: Readonly<Record<string, string>>): Promise<StackRun> {
  const workDir = mkdtempSync(path.join(e2e.scratch, `${stack}-`));
  return new StackRun(await synthExample(stack, workDir), e2e.cliConfigFile, env);
}

describe('ci-token stack', () => {
  let run: StackRun;
  let secret: string;
  const applyOutput: string[] = [];

  it('initialises from the mirror and applies with credentials from the environment', async () => {
    run = await synth('ci-token', { TESSERA_ENDPOINT: e2e.api.url, TESSERA_API_TOKEN: e2e.api.adminToken });
    const init = await run.terraform(['init']);
    expect(init.stdout).toMatch(/Installing tessera\/tessera v\d+\.\d+\.\d+/);
    const apply = await run.terraform(['apply', '-auto-approve']);
    applyOutput.push(apply.stdout, apply.stderr);
    expect(apply.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed/);
  });

  it('outputs a working token that expires when expires_at says', async () => {
    secret = await run.output<string>('token');
    expect(secret).toMatch(/^tspat_[0-9A-Za-z]{36}$/);
    const expiresAt = await run.output<string>('expires_at');
    const me = await getMe(secret);
    expect(me.status).toBe(200);
    expect(me.body?.authenticated_by.type).toBe('personal_access_token');
    expect(new Date(me.body?.authenticated_by.expires_at ?? 0).toISOString()).toBe(new Date(expiresAt).toISOString());
    // 30 days after creation, give or take the test's own run time.
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(29.9 * 24 * 3600_000);
  });

  it('never shows a secret in the apply output or the API log', () => {
    for (const text of [applyOutput.join('\n'), e2e.api.logs.join('')]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(e2e.api.adminToken);
    }
  });

  it('plans no changes right after apply', async () => {
    expect(await run.planExitCode()).toBe(0);
  });

  it('revokes the token on destroy', async () => {
    const destroy = await run.terraform(['destroy', '-auto-approve']);
    expect(destroy.stdout).toMatch(/Destroy complete! Resources: 1 destroyed/);
    expect((await getMe(secret)).status).toBe(401);
  });
});

describe('team-tokens stack', () => {
  let run: StackRun;
  let secrets: Record<string, string>;

  it('applies with the API token from a sensitive variable', async () => {
    // No TESSERA_API_TOKEN here: the provider must get it from var.tessera_api_token.
    run = await synth('team-tokens', { TESSERA_ENDPOINT: e2e.api.url, TF_VAR_tessera_api_token: e2e.api.adminToken });
    await run.terraform(['init']);
    const apply = await run.terraform(['apply', '-auto-approve']);
    expect(apply.stdout).toMatch(/Apply complete! Resources: 3 added, 0 changed, 0 destroyed/);
    expect(apply.stdout).not.toContain(e2e.api.adminToken);
  });

  it('reads the current user through the data source', async () => {
    const me = await getMe(e2e.api.adminToken);
    expect(await run.output<string>('user_email')).toBe(me.body?.email);
    const teams = await run.output<Array<{ name: string; role: string }>>('teams');
    expect(teams.length).toBeGreaterThan(0);
  });

  it('creates one working token per purpose, named after it', async () => {
    secrets = await run.output<Record<string, string>>('tokens');
    expect(Object.keys(secrets).sort()).toEqual(['build', 'deploy', 'metrics']);
    for (const secret of Object.values(secrets)) expect((await getMe(secret)).status).toBe(200);

    const names = (await listActiveTokens(e2e.api.url, e2e.api.adminToken)).map((token) => token.name);
    const email = await run.output<string>('user_email');
    expect(names).toEqual(expect.arrayContaining([`build (${email})`, `deploy (${email})`, `metrics (${email})`]));
  });

  it('plans no changes right after apply', async () => {
    expect(await run.planExitCode()).toBe(0);
  });

  it('revokes every token on destroy', async () => {
    const destroy = await run.terraform(['destroy', '-auto-approve']);
    expect(destroy.stdout).toMatch(/Destroy complete! Resources: 3 destroyed/);
    for (const secret of Object.values(secrets)) expect((await getMe(secret)).status).toBe(401);
  });
});

describe('ci-identity stack', () => {
  let run: StackRun;
  let secret: string;

  it('applies as admin: a team and a service account in it', async () => {
    run = await synth('ci-identity', { TESSERA_ENDPOINT: e2e.api.url, TESSERA_API_TOKEN: e2e.api.adminToken });
    await run.terraform(['init']);
    const apply = await run.terraform(['apply', '-auto-approve']);
    expect(apply.stdout).toMatch(/Apply complete! Resources: 2 added, 0 changed, 0 destroyed/);
    expect(apply.stdout).not.toContain(e2e.api.adminToken);
  });

  it("outputs a working service-account token that carries the team's role", async () => {
    secret = await run.output<string>('token');
    expect(secret).toMatch(/^tssvc_[0-9A-Za-z]{36}$/);
    const me = await getMe(secret);
    expect(me.status).toBe(200);
    expect(me.body?.authenticated_by.type).toBe('service_account');
    expect(me.body?.teams).toEqual([expect.objectContaining({ name: 'ci-pipelines', role: 'SysAdmin' })]);
    const expiresAt = await run.output<string>('expires_at');
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(89.9 * 24 * 3600_000);
  });

  it('plans no changes right after apply', async () => {
    expect(await run.planExitCode()).toBe(0);
  });

  it('destroys both; the token stops working', async () => {
    const destroy = await run.terraform(['destroy', '-auto-approve']);
    expect(destroy.stdout).toMatch(/Destroy complete! Resources: 2 destroyed/);
    // Verified credentials may be served from memory for up to 1 s.
    const deadline = Date.now() + 3_000;
    let status = (await getMe(secret)).status;
    while (status !== 401 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await getMe(secret)).status;
    }
    expect(status).toBe(401);
  });
});
