// cdktn (the maintained fork of CDKTF) gets its bindings from the same pipeline with
// `--target cdktn`: committed copy up to date, compiles against cdktn, and its example (an
// ephemeral session token, which CDKTF 0.21 cannot express) applies against a real API.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CDKTN_TARGET, REPO_ROOT, listFiles } from '../../scripts/cdktf-bindings';
import { bindingsSourceDir } from '../../scripts/cdktf-generate';
import { startE2eEnvironment, type E2eEnvironment } from './support/e2e';
import { regenerateInto, staleFiles } from './support/regenerate';
import { StackRun, getMe, listActiveTokens, listAuditEvents } from './support/stack-run';
import { compileProjects, synthProgram, type SynthesizedStack } from './support/stacks';

// Generous: terraform runs the provider several times per command, and CI machines are shared.
jest.setTimeout(600_000);

const PACKAGE_DIR = path.join(REPO_ROOT, CDKTN_TARGET.packageDir);
const EXAMPLE_DIR = path.join(PACKAGE_DIR, 'example');
const REGENERATE_HINT = 'the committed cdktn bindings are stale: run `npm run cdktf:generate -- --target cdktn`';
const SESSION_TOKEN_NAME = 'terraform run session';

let e2e: E2eEnvironment;
let regenerated: string;
let synthesized: SynthesizedStack;

beforeAll(async () => {
  if (!existsSync(path.join(REPO_ROOT, CDKTN_TARGET.toolchainDir, 'node_modules', 'cdktn'))) {
    throw new Error(`the cdktn toolchain is not installed: run \`${CDKTN_TARGET.installHint}\``);
  }
  e2e = await startE2eEnvironment(() => compileProjects([PACKAGE_DIR, EXAMPLE_DIR]));
  regenerated = path.join(e2e.scratch, 'cdktn-src');
  await regenerateInto(CDKTN_TARGET, regenerated, e2e.mirrorDir);
  synthesized = await synthProgram(
    path.join(EXAMPLE_DIR, 'main.js'),
    'session-token',
    mkdtempSync(path.join(e2e.scratch, 'session-token-')),
    { TESSERA_API_TOKEN: e2e.api.adminToken },
  );
});

afterAll(async () => {
  await e2e?.close();
});

describe('cdktn bindings', () => {
  it('are committed exactly as the generator makes them now', () => {
    const committed = bindingsSourceDir(CDKTN_TARGET);
    expect({ files: listFiles(committed), hint: REGENERATE_HINT }).toEqual({ files: listFiles(regenerated), hint: REGENERATE_HINT });
    expect({ stale: staleFiles(committed, regenerated), hint: REGENERATE_HINT }).toEqual({ stale: [], hint: REGENERATE_HINT });
  });

  it('include the ephemeral resource and build on cdktn, not cdktf', () => {
    const ephemeral = readFileSync(path.join(regenerated, 'ephemeral-tessera-personal-access-token/index.ts'), 'utf8');
    expect(ephemeral).toContain('extends cdktn.TerraformEphemeralResource');
    expect(ephemeral).toContain("import * as cdktn from 'cdktn';");
    for (const file of listFiles(regenerated).filter((name) => name.endsWith('.ts'))) {
      expect({ file, importsCdktf: /from 'cdktf'/.test(readFileSync(path.join(regenerated, file), 'utf8')) }).toEqual({
        file,
        importsCdktf: false,
      });
    }
  });
});

describe('cdktn session-token example', () => {
  let run: StackRun;
  let deploySecret: string;

  it('synthesizes an ephemeral token that configures a second provider, with no secret inside', () => {
    expect(synthesized.json.terraform.required_providers.tessera?.source).toBe('tessera/tessera');
    expect(synthesized.json.ephemeral?.tessera_personal_access_token?.session).toMatchObject({ name: SESSION_TOKEN_NAME });
    expect(synthesized.json.provider?.tessera).toContainEqual({
      alias: 'session',
      api_token: '${ephemeral.tessera_personal_access_token.session.token}',
    });
    expect(synthesized.json.output?.deploy_token?.sensitive).toBe(true);
    expect(synthesized.text).not.toContain(e2e.api.adminToken);
    expect(synthesized.text).not.toMatch(/ts(pat|svc)_[0-9A-Za-z]{36}/);
  });

  it('applies: the deploy token works and the session token is already revoked', async () => {
    run = new StackRun(synthesized, e2e.cliConfigFile, { TESSERA_ENDPOINT: e2e.api.url, TESSERA_API_TOKEN: e2e.api.adminToken });
    await run.terraform(['init']);
    const apply = await run.terraform(['apply', '-auto-approve']);
    expect(apply.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed/);

    deploySecret = await run.output<string>('deploy_token');
    expect((await getMe(e2e.api.url, deploySecret)).status).toBe(200);
    const active = (await listActiveTokens(e2e.api.url, e2e.api.adminToken)).map((token) => token.name);
    expect(active).toContain('deploy (made with a session token)');
    expect(active).not.toContain(SESSION_TOKEN_NAME);

    // The deploy token was created by the session token, which was itself revoked afterwards.
    const created = await listAuditEvents(e2e.api.url, e2e.api.adminToken, 'personal_access_token.created');
    const deployCreation = created.find((event) => event.details.name === 'deploy (made with a session token)');
    const sessionCreations = created.filter((event) => event.details.name === SESSION_TOKEN_NAME);
    expect(sessionCreations.map((event) => event.target_id)).toContain(deployCreation?.token_id);
    const revoked = await listAuditEvents(e2e.api.url, e2e.api.adminToken, 'personal_access_token.revoked');
    const revokedIds = revoked.map((event) => event.target_id);
    for (const session of sessionCreations) expect(revokedIds).toContain(session.target_id);
  });

  it('keeps the ephemeral token out of the state', async () => {
    const state = (await run.terraform(['state', 'pull'])).stdout;
    expect(state).toContain(deploySecret);
    expect(state).not.toContain(SESSION_TOKEN_NAME);
    expect((await run.terraform(['state', 'list'])).stdout.trim().split('\n')).toEqual(['tessera_personal_access_token.deploy']);
  });

  it('plans no changes right after apply', async () => {
    expect(await run.planExitCode()).toBe(0);
  });

  it('revokes the deploy token on destroy and leaves no session token behind', async () => {
    await run.terraform(['destroy', '-auto-approve']);
    expect((await getMe(e2e.api.url, deploySecret)).status).toBe(401);
    const active = (await listActiveTokens(e2e.api.url, e2e.api.adminToken)).map((token) => token.name);
    expect(active).not.toContain(SESSION_TOKEN_NAME);
    expect(active).not.toContain('deploy (made with a session token)');
  });
});
