/**
 * Debug mode (go-plugin reattach) under the real terraform CLI: the developer starts the
 * provider with `--debug`, exports the TF_REATTACH_PROVIDERS value it prints, and terraform
 * drives that process instead of launching its own. The process keeps serving across commands.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TPT_HEADER, createTptWorkdir, type TptWorkdir } from './support/tpt-workdir';

jest.setTimeout(180_000);

interface Reattach {
  Protocol: string;
  ProtocolVersion: number;
  Pid: number;
  Test: boolean;
  Addr: { Network: string; String: string };
}

describe('provider debug mode (TF_REATTACH_PROVIDERS)', () => {
  let w: TptWorkdir;
  let provider: ChildProcessWithoutNullStreams;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let reattachValue = '';
  let reattach: Record<string, Reattach> = {};
  let stderr = '';

  beforeAll(async () => {
    w = await createTptWorkdir({
      'main.tf': `${TPT_HEADER}
provider "tpt" {}

resource "tpt_thing" "a" {
  name = "debugged"
  size = 3
}
`,
    });
    // The developer's shell: no magic cookie, no client certificate, only what they export.
    provider = spawn(process.execPath, [w.mirror.bundlePath, '--debug', '--address=registry.terraform.io/test/tpt'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: process.env.TMPDIR ?? '/tmp', TPT_STORE: w.storePath },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    provider.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    exited = new Promise((resolve) => provider.on('exit', (code, signal) => resolve({ code, signal })));
    reattachValue = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`no TF_REATTACH_PROVIDERS line within 20 s; stdout: ${out}; stderr: ${stderr}`)),
        20_000,
      );
      provider.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const match = /TF_REATTACH_PROVIDERS='(\{.*\})'\n/.exec(out);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    reattach = JSON.parse(reattachValue) as Record<string, Reattach>;
  });

  afterAll(() => {
    if (provider && provider.exitCode === null) provider.kill('SIGKILL');
    w?.cleanup();
  });

  const tf = (args: string[]) => w.runOk(args, { env: { TF_REATTACH_PROVIDERS: reattachValue } });

  test('prints the reattach configuration go-plugin expects for a protocol 6 provider', () => {
    expect(Object.keys(reattach)).toEqual(['registry.terraform.io/test/tpt']);
    const config = reattach['registry.terraform.io/test/tpt'];
    expect(config).toEqual({
      Protocol: 'grpc',
      ProtocolVersion: 6,
      Pid: provider.pid,
      Test: true,
      Addr: { Network: 'unix', String: expect.stringMatching(/\/plugin[0-9a-f]+\.sock$/) as unknown as string },
    });
    expect(existsSync(config?.Addr.String ?? '')).toBe(true);
  });

  test('terraform plans and applies through the running process instead of launching one', async () => {
    await tf(['init']);
    const plan = await tf(['plan']);
    expect(plan.stdout).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    await tf(['apply', '-auto-approve']);
    const things = Object.values(w.store().things);
    expect(things).toHaveLength(1);
    expect(JSON.parse(things[0]?.state ?? '{}')).toMatchObject({ name: 'debugged', size: 3 });
    // Terraform never started a provider of its own: nothing in .terraform/providers.
    expect(existsSync(join(w.dir, '.terraform', 'providers', 'registry.terraform.io', 'test', 'tpt'))).toBe(false);
    // The provider logged the calls to the developer's terminal.
    expect(stderr).toContain('ApplyResourceChange');
  });

  test('the provider keeps running after the commands, and serves the next ones', async () => {
    expect(provider.exitCode).toBeNull();
    expect(() => process.kill(provider.pid ?? -1, 0)).not.toThrow();
    const replan = await tf(['plan', '-detailed-exitcode']);
    expect(replan.stdout).toContain('No changes.');
    await tf(['destroy', '-auto-approve']);
    expect(Object.keys(w.store().things)).toHaveLength(0);
    expect(provider.exitCode).toBeNull();
  });

  test('Ctrl-C ends the debug session and removes the socket', async () => {
    const socket = reattach['registry.terraform.io/test/tpt']?.Addr.String ?? '';
    provider.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(existsSync(socket)).toBe(false);
  });
});
