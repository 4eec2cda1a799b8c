// `npm start` with TESSERA_TLS_CERT / TESSERA_TLS_KEY: the API process serves HTTPS with the
// given certificate, and bad TLS settings stop it at start with one sentence, not a stack.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestApi } from '../support/api-server';
import { createTestCa, type TestCa } from '../support/test-ca';

const repoRoot = resolve(__dirname, '../..');
let ca: TestCa;
let scratch: string;

beforeAll(() => {
  ca = createTestCa();
  scratch = mkdtempSync(join(tmpdir(), 'tessera-https-start-'));
});

afterAll(() => {
  ca?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function httpsGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(url, { ca: ca.ca }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Runs api/main.ts until it exits (it must, within 30 s) and returns its exit code and output. */
function startExpectingFailure(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'api/main.ts')], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TESSERA_HOME: join(scratch, 'home'),
      // Never reached: the TLS files are checked before any database is opened.
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      TESSERA_SERVER_KEY: 'ab'.repeat(32),
      PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`api/main.ts did not exit within 30 s:\n${output}`));
    }, 30_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe('npm start over HTTPS', () => {
  it('serves HTTPS with the certificate from TESSERA_TLS_CERT / TESSERA_TLS_KEY', async () => {
    const api = await startTestApi({ mode: 'process', env: { TESSERA_TLS_CERT: ca.certFile, TESSERA_TLS_KEY: ca.keyFile } });
    try {
      expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const port = new URL(api.url).port;
      // Verified against the test CA, under the certificate's name.
      const health = await httpsGet(`https://localhost:${port}/healthz`);
      expect(health).toEqual({ status: 200, body: JSON.stringify({ status: 'ok' }) });
      const discovery = await httpsGet(`https://localhost:${port}/.well-known/terraform.json`);
      expect(JSON.parse(discovery.body)).toEqual({ 'providers.v1': '/v1/providers/' });
    } finally {
      await api.stop();
    }
  }, 90_000);

  const noStack = (output: string): void => {
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  };

  it('stops with a clear error when a TLS file is missing', async () => {
    const missing = join(scratch, 'nope.pem');
    const result = await startExpectingFailure({ TESSERA_TLS_CERT: missing, TESSERA_TLS_KEY: ca.keyFile });
    expect(result.code).toBe(1);
    expect(result.output).toContain(`TESSERA_TLS_CERT: cannot read ${missing} (no such file)`);
    noStack(result.output);
  }, 40_000);

  it("stops with a clear error when the file is not PEM, or the key is not the certificate's", async () => {
    const notPem = join(scratch, 'not.pem');
    writeFileSync(notPem, 'hello\n');
    const garbage = await startExpectingFailure({ TESSERA_TLS_CERT: ca.certFile, TESSERA_TLS_KEY: notPem });
    expect(garbage.code).toBe(1);
    expect(garbage.output).toContain(`TESSERA_TLS_KEY: ${notPem} does not hold a PEM private key`);
    noStack(garbage.output);

    const otherKey = join(scratch, 'other.key');
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', otherKey]);
    const mismatch = await startExpectingFailure({ TESSERA_TLS_CERT: ca.certFile, TESSERA_TLS_KEY: otherKey });
    expect(mismatch.code).toBe(1);
    expect(mismatch.output).toContain(`TESSERA_TLS_KEY: ${otherKey} is not the private key of the certificate in ${ca.certFile}`);
    noStack(mismatch.output);
  }, 60_000);

  it('stops with a clear error when only one of the two variables is set', async () => {
    const result = await startExpectingFailure({ TESSERA_TLS_CERT: ca.certFile });
    expect(result.code).toBe(1);
    expect(result.output).toContain('TESSERA_TLS_KEY: must be set too');
    noStack(result.output);
  }, 40_000);
});
