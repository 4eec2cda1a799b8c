/**
 * Features beyond the basic lifecycle, each through the real terraform CLI: ephemeral
 * resources feeding a write-only attribute, data sources, unknown (refined) config values,
 * state upgrade from schema v0, diagnostics from validation and from failing handlers, and
 * secrets kept out of TF_LOG=trace output.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TPT_HEADER, createTptWorkdir, type TptWorkdir } from './support/tpt-workdir';

jest.setTimeout(180_000);

const API_KEY = 'provider-key-SECRET-4711';

describe('ephemeral resources, write-only attributes, data sources and unknown config', () => {
  let w: TptWorkdir;
  beforeAll(async () => {
    w = await createTptWorkdir({
      'main.tf': `${TPT_HEADER}
provider "tpt" {
  api_key = "${API_KEY}"
}

ephemeral "tpt_ticket" "t" {
  name = "t1"
}

resource "tpt_thing" "w" {
  name     = "wo"
  password = ephemeral.tpt_ticket.t.value
}

resource "tpt_thing" "dep" {
  name = "dep"
  note = "for-\${tpt_thing.w.id}"
}

data "tpt_lookup" "l" {
  id = tpt_thing.w.id
}

output "looked_up_name" {
  value = data.tpt_lookup.l.name
}
`,
    });
    await w.runOk(['init']);
  });
  afterAll(() => w?.cleanup());

  test('plan opens and closes the ephemeral resource and handles refined unknowns in config', async () => {
    const r = await w.runOk(['plan']);
    expect(r.stdout).toMatch(/\+ note\s+= \(known after apply\)/);
    expect(r.stdout).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');
    const ticket = w.store().tickets.t1;
    expect(ticket?.opened).toBeGreaterThanOrEqual(1);
    expect(ticket?.closed).toBe(ticket?.opened);
  });

  test('apply with TF_LOG=trace: ephemeral value reaches the write-only attribute, data source reads, no secret in provider log lines', async () => {
    const logPath = join(w.dir, 'trace.log');
    const r = await w.runOk(['apply', '-auto-approve'], { env: { TF_LOG: 'trace', TF_LOG_PATH: logPath } });
    expect(r.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
    const store = w.store();
    const ticket = store.tickets.t1;
    expect(ticket?.closed).toBe(ticket?.opened);
    const things = Object.values(store.things);
    const wo = things.find((t) => t.state.includes('"name":"wo"'));
    const dep = things.find((t) => t.state.includes('"name":"dep"'));
    expect(wo?.password).toBe(ticket?.value);
    const woId = /"id":"([^"]+)"/.exec(wo?.state ?? '')?.[1];
    expect(dep?.state).toContain(`"note":"for-${woId}"`);
    const output = await w.runOk(['output', '-raw', 'looked_up_name']);
    expect(output.stdout).toBe('wo');
    // Neither the ephemeral value nor the write-only copy is in state.
    expect(readFileSync(join(w.dir, 'terraform.tfstate'), 'utf8')).not.toContain(ticket?.value ?? '<none>');

    const providerLines = readFileSync(logPath, 'utf8')
      .split('\n')
      .filter((l) => l.includes('provider.terraform-provider-tpt'));
    // hclog JSON lines keep their level in the CLI's log.
    expect(providerLines.some((l) => l.includes('[TRACE] provider.terraform-provider-tpt_v0.1.0: Received request'))).toBe(true);
    // The test provider logs its api_key and each new secret on purpose; both must be redacted.
    expect(
      providerLines.some((l) => l.includes('[INFO]  provider.terraform-provider-tpt_v0.1.0: Configuring with api_key=[REDACTED]')),
    ).toBe(true);
    expect(providerLines.some((l) => /Created thing: .*secret=\[REDACTED\]/.test(l))).toBe(true);
    const secrets = [API_KEY, ticket?.value ?? '', ...things.map((t) => /"secret":"([^"]+)"/.exec(t.state)?.[1] ?? '')];
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(providerLines.filter((l) => l.includes(secret))).toEqual([]);
    }
  });

  test('a re-plan is empty', async () => {
    const r = await w.run(['plan', '-detailed-exitcode']);
    expect(r.stdout).toContain('No changes.');
    expect(r.code).toBe(0);
  });

  test('destroy removes both things', async () => {
    await w.runOk(['destroy', '-auto-approve']);
    expect(w.store().things).toEqual({});
  });
});

describe('state written with schema version 0 is upgraded', () => {
  let w: TptWorkdir;
  afterAll(() => w?.cleanup());

  test('UpgradeResourceState renames title → name, drops removed attributes, plan is empty', async () => {
    w = await createTptWorkdir({ 'main.tf': `${TPT_HEADER}\nprovider "tpt" {}\n\nresource "tpt_thing" "old" {\n  name = "old"\n}\n` });
    await w.runOk(['init']);
    const current = {
      endpoint: null,
      env: [],
      extra: null,
      id: 'thing-7',
      labels: null,
      limits: null,
      mount: [],
      name: 'old',
      note: 'none',
      password: null,
      rules: null,
      secret: 'stored-secret-abcdef',
      size: null,
      tags: null,
      updated_at: '2026-01-01T00:00:00.000Z',
    };
    w.writeStore({
      things: { 'thing-7': { state: JSON.stringify(current), generation: 1, password: null, privateSeen: null } },
      tickets: {},
      nextId: 8,
    });
    const { name: _name, ...withoutName } = current;
    const v0 = { ...withoutName, title: 'old', legacy: 'gone in v1' };
    await w.writeFile(
      'terraform.tfstate',
      JSON.stringify(
        {
          version: 4,
          terraform_version: '1.11.4',
          serial: 1,
          lineage: randomUUID(),
          outputs: {},
          resources: [
            {
              mode: 'managed',
              type: 'tpt_thing',
              name: 'old',
              provider: 'provider["registry.terraform.io/test/tpt"]',
              instances: [{ schema_version: 0, attributes: v0, sensitive_attributes: [] }],
            },
          ],
          check_results: null,
        },
        null,
        2,
      ),
    );
    const plan = await w.run(['plan', '-detailed-exitcode']);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
    await w.runOk(['apply', '-refresh-only', '-auto-approve']);
    const instance = w.state().resources[0]?.instances[0];
    expect(instance?.schema_version).toBe(1);
    expect(instance?.attributes.name).toBe('old');
    expect(instance?.attributes).not.toHaveProperty('title');
    expect(instance?.attributes).not.toHaveProperty('legacy');
  });
});

describe('diagnostics', () => {
  let w: TptWorkdir;
  beforeAll(async () => {
    w = await createTptWorkdir({ 'main.tf': `${TPT_HEADER}\nprovider "tpt" {}\n` });
    await w.runOk(['init']);
  });
  afterAll(() => w?.cleanup());

  const expectNoCrash = (text: string): void => {
    expect(text).not.toContain('Plugin did not respond');
    expect(text).not.toContain('TERRAFORM CRASH');
    expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  };

  test('resource validation points at the attribute', async () => {
    await w.writeFile('main.tf', `${TPT_HEADER}\nprovider "tpt" {}\n\nresource "tpt_thing" "bad" {\n  name = "UPPER"\n}\n`);
    const r = await w.run(['validate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Invalid name');
    expect(r.stderr).toContain('The name must be lowercase.');
    expect(r.stderr).toContain('name = "UPPER"');
    expectNoCrash(r.stderr);
  });

  test('provider config validation points at the attribute', async () => {
    await w.writeFile(
      'main.tf',
      `${TPT_HEADER}\nprovider "tpt" {\n  api_key = "short"\n}\n\nresource "tpt_thing" "ok" {\n  name = "ok"\n}\n`,
    );
    const r = await w.run(['plan']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: api_key too short');
    expect(r.stderr).toContain('api_key = "short"');
  });

  test('an exception in a handler becomes an error diagnostic, not a crash', async () => {
    await w.writeFile('main.tf', `${TPT_HEADER}\nprovider "tpt" {}\n\nresource "tpt_fault" "f" {\n  mode = "throw"\n}\n`);
    const r = await w.run(['apply', '-auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Provider internal error');
    expect(r.stderr).toContain('the fault resource failed on purpose');
    expectNoCrash(r.stderr);
    // The failed create left nothing in state.
    const list = await w.runOk(['state', 'list']);
    expect(list.stdout.trim()).toBe('');
  });

  test('a DiagnosticError carries its summary and attribute path', async () => {
    await w.writeFile('main.tf', `${TPT_HEADER}\nprovider "tpt" {}\n\nresource "tpt_fault" "f" {\n  mode = "diagnostic"\n}\n`);
    const r = await w.run(['apply', '-auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Fault requested');
    expect(r.stderr).toContain('mode = "diagnostic"');
    expectNoCrash(r.stderr);
  });

  test('a resource that leaves a computed value unresolved is planned null, not unknown', async () => {
    await w.writeFile('main.tf', `${TPT_HEADER}\nprovider "tpt" {}\n\nresource "tpt_fault" "f" {\n  mode = "unknown"\n}\n`);
    const r = await w.runOk(['apply', '-auto-approve']);
    expect(r.stdout).toContain('Apply complete! Resources: 1 added');
    await w.runOk(['destroy', '-auto-approve']);
  });
});
