// Terraform interrupted: the real terraform CLI applying 50 tokens (count = 50) through the real
// provider against the real API, cut off in three ways, and the tokens counted afterwards.
//
//  - Ctrl-C, typed into a real terminal: the terminal sends SIGINT to the whole foreground process
//    group, terraform and the provider alike. Terraform stops the provider (StopProvider), which
//    cancels its in-flight creates and records each as a create of unknown outcome; the re-apply
//    settles them. Goal: the run converges and the live tokens are exactly those in the state.
//  - kill -9 of the provider process mid-apply: creates the API made but whose answers never
//    reached terraform are orphans — at most one per create in flight (terraform's -parallelism).
//    They carry created_via, so `tessera tokens list --created-via …` minus the state's ids finds
//    them; that path is tested and must find exactly the orphans.
//  - the API down during `terraform destroy`: a diagnostic that names what failed, the state
//    unchanged, and a re-run that succeeds once the API is back.
//
// A proxy holds every answer back 300 ms after the API gave it (a slow link), so that when the
// run is cut off, creates the API has already committed are still waiting for their answers:
// the hard case for both designs.
import { buildTestCli, type BuiltCli } from '../cli/support/cli';
import { providerScenario, unwrap, type TerraformSession } from '../provider/terraform-session';
import type { TestUser } from '../support/api-server';
import type { FaultProxy } from '../support/fault-proxy';
import { CTRL_C, descendantsMatching, runInTerminal, terminalUnavailable, type TerminalRun } from './support/terminal';

jest.setTimeout(180_000);

const COUNT = 50;
/** terraform's default -parallelism: the most creates in flight at once. */
const PARALLELISM = 10;
/** Cut the run off once this many creates are complete. */
const CUT_AFTER = 15;
const ANSWER_DELAY_MS = 300;
const CREATED_VIA = 'terraform-provider-tessera/0.1.0';

const tokensTf = (count: number): string => `
terraform {
  required_providers {
    tessera = { source = "tessera/tessera" }
  }
}

resource "tessera_personal_access_token" "t" {
  count           = ${count}
  name            = "fault-\${count.index}"
  expiration_days = 1
}
`;

const scenario = providerScenario();
let cli: BuiltCli | undefined;

beforeAll(() => {
  const missing = terminalUnavailable();
  if (missing !== null) throw new Error(`these tests type Ctrl-C into a real terminal: ${missing}`);
});

afterAll(() => {
  cli?.remove();
});

interface StateInstance {
  index_key?: number;
  status?: string;
  private?: string;
  attributes: { id: string | null };
}

/** The token instances in terraform.tfstate, as the local backend wrote them. */
async function stateInstances(tf: TerraformSession): Promise<StateInstance[]> {
  const state = JSON.parse(await tf.readFile('terraform.tfstate')) as {
    resources?: Array<{ type: string; instances: StateInstance[] }>;
  };
  return (state.resources ?? []).filter((r) => r.type === 'tessera_personal_access_token').flatMap((r) => r.instances);
}

const idsIn = (instances: StateInstance[]): Set<string> =>
  new Set(instances.map((i) => i.attributes.id).filter((id): id is string => id !== null));

/** client_references of creates with an unknown outcome that the state recorded (private state). */
function pendingReferences(instances: StateInstance[]): Set<string> {
  const refs = new Set<string>();
  for (const instance of instances) {
    if (instance.private === undefined) continue;
    const ref = /"client_reference":"([^"]+)"/.exec(Buffer.from(instance.private, 'base64').toString('utf8'))?.[1];
    if (ref !== undefined) refs.add(ref);
  }
  return refs;
}

interface LiveToken extends Record<string, unknown> {
  id: string;
  client_reference: string | null;
}

/** The user's live tokens that the provider made (the user's own login token is not one). */
const liveProviderTokens = (user: TestUser): Promise<LiveToken[]> =>
  scenario.api.sql<LiveToken>(
    `SELECT id, client_reference FROM tokens
      WHERE user_id = $1 AND created_via = $2 AND revoked_at IS NULL AND expires_at > now()`,
    [user.id, CREATED_VIA],
  );

const completeCount = (screen: string): number => (screen.match(/: Creation complete after/g) ?? []).length;

async function sessionFor(user: TestUser, endpoint: string, count = COUNT): Promise<TerraformSession> {
  return scenario.session({ 'main.tf': tokensTf(count) }, { TESSERA_ENDPOINT: endpoint, TESSERA_API_TOKEN: user.token });
}

async function slowProxy(): Promise<FaultProxy> {
  const proxy = await scenario.proxy();
  proxy.setAnswerDelay(ANSWER_DELAY_MS);
  return proxy;
}

function applyInTerminal(tf: TerraformSession): TerminalRun {
  return runInTerminal([tf.binary, 'apply', '-auto-approve', '-no-color', '-input=false'], { cwd: tf.dir, env: tf.env });
}

/** Re-applies until done, then checks the run converged: no changes left, every instance a live token. */
async function reapplyAndCheckConverged(tf: TerraformSession): Promise<Set<string>> {
  const applied = await tf.apply();
  const plan = await tf.plan();
  expect(plan.changes).toBe(false);
  const instances = await stateInstances(tf);
  expect(instances).toHaveLength(COUNT);
  expect(instances.filter((i) => i.status === 'tainted' || i.attributes.id === null)).toEqual([]);
  void applied;
  return idsIn(instances);
}

describe('terraform apply of 50 tokens, interrupted', () => {
  it('Ctrl-C in a terminal, then a re-apply: converges, and the live tokens are exactly those in the state (0 orphans)', async () => {
    const user = await scenario.api.createUserWithToken({ role: 'Member' });
    const proxy = await slowProxy();
    const tf = await sessionFor(user, proxy.url);

    const run = applyInTerminal(tf);
    await run.waitFor((screen) => completeCount(screen) >= CUT_AFTER, 120_000);
    run.type(CTRL_C);
    const { code, screen } = await run.exited;
    const out = unwrap(screen);
    expect(code).not.toBe(0);
    // Terraform took it as an interrupt; the provider survived the SIGINT the terminal sent it too.
    expect(out).toContain('Interrupt received');
    expect(out).not.toMatch(/plugin encountered an error|Plugin did not respond|panic/i);

    const cut = await stateInstances(tf);
    const inState = idsIn(cut);
    const pending = pendingReferences(cut);
    const live = await liveProviderTokens(user);
    // Live tokens the state knows nothing of, neither by id nor as a recorded unknown outcome.
    const unknownToState = live.filter((t) => !inState.has(t.id) && !pending.has(t.client_reference ?? ''));
    console.log(
      `terraform apply of ${COUNT} tokens, Ctrl-C after ${completeCount(screen)} creates: ` +
        `state ${inState.size} tokens + ${pending.size} creates of unknown outcome; live tokens ${live.length}, ` +
        `unknown to the state ${unknownToState.length}`,
    );
    expect(inState.size).toBeLessThan(COUNT);
    expect(unknownToState).toEqual([]);

    proxy.setAnswerDelay(0);
    const converged = await reapplyAndCheckConverged(tf);
    const after = await liveProviderTokens(user);
    const orphans = after.filter((t) => !converged.has(t.id));
    console.log(`after the re-apply: state ${converged.size} tokens, live ${after.length}, orphans ${orphans.length}`);
    expect(orphans).toEqual([]);
    expect(new Set(after.map((t) => t.id))).toEqual(converged);
  });

  it('kill -9 of the provider: orphans at most one per create in flight, found exactly by the created_via filter and cleaned with the CLI', async () => {
    const user = await scenario.api.createUserWithToken({ role: 'Member' });
    const proxy = await slowProxy();
    const tf = await sessionFor(user, proxy.url);

    const run = applyInTerminal(tf);
    await run.waitFor((screen) => completeCount(screen) >= CUT_AFTER, 120_000);
    // terraform runs one provider process for the apply; kill -9 what is running now.
    const providers = descendantsMatching(run.pid, 'provider.js');
    expect(providers.length).toBeGreaterThanOrEqual(1);
    for (const pid of providers) process.kill(pid, 'SIGKILL');
    const { code, screen } = await run.exited;
    expect(code).not.toBe(0);
    // Terraform words a lost provider by which it notices first: the connection dropping
    // ("connection is unavailable", …) or the plugin process exiting, which cancels the calls
    // still in flight ("Request cancelled … request was cancelled"). Both races are real.
    expect(unwrap(screen)).toMatch(/plugin encountered an error|Plugin did not respond|connection is unavailable|request was cancelled/i);

    proxy.setAnswerDelay(0);
    const converged = await reapplyAndCheckConverged(tf);
    const live = await liveProviderTokens(user);
    const orphans = live.filter((t) => !converged.has(t.id)).map((t) => t.id);
    console.log(
      `terraform apply of ${COUNT} tokens, provider killed after ${completeCount(screen)} creates ` +
        `(${providers.length} process): after the re-apply, state ${converged.size}, live ${live.length}, orphans ${orphans.length}`,
    );
    // Every token in the state is live, and orphans are bounded by the creates in flight.
    expect(live.filter((t) => converged.has(t.id))).toHaveLength(COUNT);
    expect(orphans.length).toBeLessThanOrEqual(PARALLELISM);
    // With answers delayed, creates in flight at the kill had already been made: the case to clean up.
    expect(orphans.length).toBeGreaterThanOrEqual(1);

    // What a user does (docs/resources/personal_access_token.md): list the provider's tokens with
    // the CLI, take away the ids in the state, revoke the rest.
    cli ??= await buildTestCli();
    const env = { TESSERA_ENDPOINT: scenario.api.url, TESSERA_API_TOKEN: user.token };
    const listed = await cli.run(['tokens', 'list', '--created-via', CREATED_VIA, '-o', 'json'], { env });
    expect(listed.code).toBe(0);
    const shown = JSON.parse((await tf.runOk(['show', '-json'])).stdout) as {
      values?: { root_module?: { resources?: Array<{ type: string; values: { id: string } }> } };
    };
    const stateIds = new Set(
      (shown.values?.root_module?.resources ?? []).filter((r) => r.type === 'tessera_personal_access_token').map((r) => r.values.id),
    );
    const found = (JSON.parse(listed.stdout) as Array<{ id: string }>).map((t) => t.id).filter((id) => !stateIds.has(id));
    expect(found.sort()).toEqual([...orphans].sort());
    for (const id of found) {
      const revoked = await cli.run(['tokens', 'revoke', id], { env });
      expect(revoked.code).toBe(0);
    }
    const cleaned = await liveProviderTokens(user);
    expect(new Set(cleaned.map((t) => t.id))).toEqual(converged);
    // The tokens in the state were not touched.
    expect((await tf.plan()).changes).toBe(false);
  });
});

describe('terraform destroy with the API down', () => {
  it('fails with a diagnostic naming what failed, keeps the state, and succeeds once the API is back', async () => {
    const user = await scenario.api.createUserWithToken({ role: 'Member' });
    const instance = await scenario.api.startAnotherInstance();
    const tf = await sessionFor(user, instance.url, 5);
    await tf.apply();
    const before = await stateInstances(tf);
    const ids = idsIn(before);
    expect(ids.size).toBe(5);

    await instance.stop();
    const expectCleanFailure = (result: { code: number; stdout: string; stderr: string }, what: RegExp): void => {
      expect(result.code).toBe(1);
      const out = unwrap(result.stderr);
      expect(out).toMatch(what);
      // Says where and why: the endpoint it could not reach.
      expect(out).toContain(instance.url);
      expect(out).toContain('Error: Cannot reach the Tessera API');
      expect(out).toMatch(/cannot reach the Tessera API at \S+: connection refused \(\d attempts in [\d.]+ s\)/);
      // No stack trace, no secret.
      expect(result.stdout + result.stderr).not.toMatch(/\bat .+\.(ts|js):\d+|panic|goroutine/);
      expect(result.stdout + result.stderr).not.toContain(user.token);
    };
    // With the refresh first (the usual destroy), and without it (straight to the revokes).
    const refreshing = await tf.run(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expectCleanFailure(refreshing, /Error: /);
    expect(await stateInstances(tf)).toEqual(before);
    const direct = await tf.run(['destroy', '-auto-approve', '-no-color', '-input=false', '-refresh=false']);
    expectCleanFailure(direct, /Error: /);
    expect(await stateInstances(tf)).toEqual(before);
    expect(new Set((await liveProviderTokens(user)).map((t) => t.id))).toEqual(ids);
    console.log(`destroy with the API down:\n${unwrap(refreshing.stderr)}\n--- -refresh=false:\n${unwrap(direct.stderr)}`);

    await instance.start();
    await tf.runOk(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expect(await stateInstances(tf)).toEqual([]);
    expect(await liveProviderTokens(user)).toEqual([]);
  });

  it('going down in the middle of a destroy: every live token stays in the state, and a re-run finishes', async () => {
    const user = await scenario.api.createUserWithToken({ role: 'Member' });
    const tf = await sessionFor(user, scenario.api.url, 5);
    await tf.apply();
    // Two revokes go through; then the API goes away (connections refused from then on).
    const proxy = await scenario.proxy();
    let revokes = 0;
    proxy.setRule(({ method }) => {
      if (method !== 'DELETE') return 'forward';
      revokes += 1;
      if (revokes <= 2) return 'forward';
      void proxy.stop();
      return 'reset';
    });
    const cut = await tf.run(['destroy', '-auto-approve', '-no-color', '-input=false'], { env: { TESSERA_ENDPOINT: proxy.url } });
    expect(cut.code).toBe(1);
    expect(unwrap(cut.stderr)).toMatch(/Error: Could not revoke personal access token [0-9a-f-]{36}/);
    expect(cut.stdout + cut.stderr).not.toMatch(/\bat .+\.(ts|js):\d+|panic|goroutine/);
    const kept = idsIn(await stateInstances(tf));
    const live = new Set((await liveProviderTokens(user)).map((t) => t.id));
    expect(live.size).toBe(3);
    // Every live token is still in the state (nothing is orphaned). A revoke that went through
    // but whose answer was cut off with the connection stays in the state too; the next refresh
    // finds it gone.
    for (const id of live) expect(kept).toContain(id);
    console.log(`destroy cut off after 2 revokes: state keeps ${kept.size}, live ${live.size}`);

    await tf.runOk(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expect(await stateInstances(tf)).toEqual([]);
    expect(await liveProviderTokens(user)).toEqual([]);
  });
});
