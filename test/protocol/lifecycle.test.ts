/**
 * The full managed-resource lifecycle of the tpt test provider under the real terraform CLI:
 * init from a filesystem mirror, validate, plan, apply, empty re-plan, update with private
 * state, replacement, drift, refresh, import (CLI and block), destroy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeH1Hash } from '../../provider/protocol';
import { TPT_HEADER, createTptWorkdir, type TptWorkdir } from './support/tpt-workdir';

jest.setTimeout(180_000);

const thing = (overrides: { name?: string; tags?: string; password?: string } = {}): string => `${TPT_HEADER}
provider "tpt" {}

resource "tpt_thing" "a" {
  name     = "${overrides.name ?? 'alpha'}"
  size     = 0.1
  tags     = ${overrides.tags ?? '{ env = "dev" }'}
  ${overrides.password ? `password = "${overrides.password}"` : ''}
  endpoint = { host = "example.com" }
  rules    = [{ port = 80 }, { port = 443, proto = "udp" }]
  labels   = [{ key = "k", value = "v" }]
  extra    = { one = { value = "1" } }

  limits {
    cpu = 12345678901234567890
  }
  mount {
    path = "/data"
  }
  env {
    name  = "X"
    value = "y"
  }
}

output "id" {
  value = tpt_thing.a.id
}
`;

describe('tpt provider lifecycle under the terraform CLI', () => {
  let w: TptWorkdir;
  let firstId = '';

  beforeAll(async () => {
    w = await createTptWorkdir({ 'main.tf': thing({ password: 'pw-write-only-123' }) });
  });
  afterAll(() => w?.cleanup());

  test('init installs from the mirror and locks the h1 hash we compute', async () => {
    const init = await w.runOk(['init']);
    expect(init.stdout).toContain('Terraform has been successfully initialized!');
    const lock = readFileSync(join(w.dir, '.terraform.lock.hcl'), 'utf8');
    const packageDir = join(w.mirror.mirrorDir, 'registry.terraform.io/test/tpt/0.1.0/linux_amd64');
    expect(lock).toContain(`"${await computeH1Hash(packageDir)}"`);
    expect(lock).toContain('provider "registry.terraform.io/test/tpt"');
    // `providers lock -fs-mirror` computes the same hash, so nothing new is added.
    await w.runOk(['providers', 'lock', `-fs-mirror=${w.mirror.mirrorDir}`, '-platform=linux_amd64']);
    expect(readFileSync(join(w.dir, '.terraform.lock.hcl'), 'utf8')).toBe(lock);
  });

  test('validate accepts the configuration', async () => {
    const r = await w.runOk(['validate']);
    expect(r.stdout).toContain('The configuration is valid.');
  });

  test('plan shows a create with unknown computed, sensitive and write-only values', async () => {
    const r = await w.runOk(['plan']);
    expect(r.stdout).toContain('# tpt_thing.a will be created');
    expect(r.stdout).toMatch(/\+ id\s+= \(known after apply\)/);
    expect(r.stdout).toMatch(/\+ secret\s+= \(sensitive value\)/);
    expect(r.stdout).toMatch(/\+ password\s+= \(write-only attribute\)/);
    expect(r.stdout).toMatch(/\+ port\s+= \(known after apply\)/);
    expect(r.stdout).toContain('+ cpu = 12345678901234567890');
    expect(r.stdout).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
  });

  test('apply creates the thing with exact numbers, private state and the write-only value', async () => {
    const r = await w.runOk(['apply', '-auto-approve']);
    expect(r.stdout).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
    const store = w.store();
    const ids = Object.keys(store.things);
    expect(ids).toHaveLength(1);
    firstId = ids[0] ?? '';
    const stored = store.things[firstId];
    expect(stored?.password).toBe('pw-write-only-123');
    // Numbers went through msgpack (config) and back exactly, not via a double.
    expect(stored?.state).toContain('"size":0.1');
    expect(stored?.state).toContain('"cpu":12345678901234567890');
    const instance = w.state().resources[0]?.instances[0];
    expect(instance?.schema_version).toBe(1);
    expect(instance?.attributes.password).toBeNull();
    expect(JSON.stringify(w.state())).not.toContain('pw-write-only-123');
    expect(instance?.attributes.endpoint).toEqual({ host: 'example.com', port: 443 });
    expect(instance?.attributes.rules).toEqual([
      { port: 80, proto: 'tcp' },
      { port: 443, proto: 'udp' },
    ]);
    expect(Buffer.from(instance?.private ?? '', 'base64').toString()).toBe('{"generation":1}');
  });

  test('a second plan is empty', async () => {
    const r = await w.run(['plan', '-detailed-exitcode']);
    expect(r.stdout).toContain('No changes.');
    expect(r.code).toBe(0);
  });

  test('changing a tag updates in place and round-trips private state', async () => {
    await w.writeFile('main.tf', thing({ tags: '{ env = "prod" }' }));
    const plan = await w.runOk(['plan']);
    expect(plan.stdout).toContain('# tpt_thing.a will be updated in-place');
    expect(plan.stdout).toMatch(/~ updated_at\s+= "[^"]+" -> \(known after apply\)/);
    expect(plan.stdout).not.toContain('secret');
    await w.runOk(['apply', '-auto-approve']);
    const stored = w.store().things[firstId];
    expect(stored?.generation).toBe(2);
    expect(stored?.privateSeen).toEqual({ generation: 1 });
    expect(stored?.state).toContain('"env":"prod"');
    const again = await w.run(['plan', '-detailed-exitcode']);
    expect(again.code).toBe(0);
  });

  test('changing a requiresReplace attribute replaces the thing', async () => {
    await w.writeFile('main.tf', thing({ name: 'beta', tags: '{ env = "prod" }' }));
    const plan = await w.runOk(['plan']);
    expect(plan.stdout).toContain('# tpt_thing.a must be replaced');
    expect(plan.stdout).toMatch(/~ name\s+= "alpha" -> "beta" # forces replacement/);
    await w.runOk(['apply', '-auto-approve']);
    const ids = Object.keys(w.store().things);
    expect(ids).toHaveLength(1);
    expect(ids[0]).not.toBe(firstId);
    firstId = ids[0] ?? '';
  });

  test('a thing deleted outside terraform shows up as drift and refresh-only drops it', async () => {
    const saved = w.store();
    w.writeStore({ ...saved, things: {} });
    const plan = await w.runOk(['plan']);
    expect(plan.stdout).toContain('has been deleted');
    expect(plan.stdout).toContain('# tpt_thing.a will be created');
    await w.runOk(['apply', '-refresh-only', '-auto-approve']);
    expect(w.state().resources).toHaveLength(0);
    // Put the remote object back and adopt it with `terraform import`.
    w.writeStore(saved);
  });

  test('terraform import adopts the remote object and the next plan is empty', async () => {
    const r = await w.runOk(['import', 'tpt_thing.a', firstId]);
    expect(r.stdout).toContain('Import successful!');
    const plan = await w.run(['plan', '-detailed-exitcode']);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
  });

  test('importing an id that does not exist fails with the provider diagnostic', async () => {
    await w.runOk(['state', 'rm', 'tpt_thing.a']);
    const r = await w.run(['import', 'tpt_thing.a', 'thing-404']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot import non-existent remote object');
  });

  test('an import block plans and applies an import', async () => {
    await w.writeFile('imports.tf', `import {\n  to = tpt_thing.a\n  id = "${firstId}"\n}\n`);
    const plan = await w.runOk(['plan']);
    expect(plan.stdout).toContain('Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.');
    await w.runOk(['apply', '-auto-approve']);
    expect(w.state().resources).toHaveLength(1);
    await w.writeFile('imports.tf', '');
    const again = await w.run(['plan', '-detailed-exitcode']);
    expect(again.code).toBe(0);
  });

  test('destroy deletes the remote object', async () => {
    const r = await w.runOk(['destroy', '-auto-approve']);
    expect(r.stdout).toContain('Destroy complete! Resources: 1 destroyed.');
    expect(w.store().things).toEqual({});
  });
});
