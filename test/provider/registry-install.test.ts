// The provider as an infrastructure repo gets it: a signed release built by the release builder,
// served by Tessera's own provider registry over HTTPS (`npm start` with TESSERA_TLS_CERT/KEY),
// installed by a plain `terraform init` with `source = "localhost:<port>/tessera/tessera"`, and
// run by Terraform with nothing on its PATH but terraform itself: no node.
//
// Terraform trusts the test CA through SSL_CERT_FILE; the provider (Node inside the
// self-contained executable) through NODE_EXTRA_CA_CERTS, as an operator with a private CA sets it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { startTestApi, type TestApi, type TestUser } from '../support/api-server';
import { createTestCa, type TestCa } from '../support/test-ca';
import { findTerraformBinary, type RunResult } from '../support/terraform';
import { testRelease, type TestRelease } from '../release/release-build';

const PREFIX = 'terraform-provider-tessera';
/** This machine's platform as Terraform names it (the package `terraform init` installs). */
const HOST_PLATFORM = `${process.platform === 'win32' ? 'windows' : process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
const FIVE_PLATFORMS = ['linux_amd64', 'linux_arm64', 'darwin_amd64', 'darwin_arm64', 'windows_amd64'];

let release: TestRelease;
let ca: TestCa;
let api: TestApi;
let user: TestUser;
let scratch: string;
let binDir: string;
let cliConfig: string;
let registryHost: string;
let keyId: string;
const stopLater: Array<() => Promise<void>> = [];

/** The SHA256SUMS of the release, as zip name → hex digest. */
function shasums(dir: string, version: string): Map<string, string> {
  const text = readFileSync(join(dir, `${PREFIX}_${version}_SHA256SUMS`), 'utf8');
  return new Map(
    text
      .trim()
      .split('\n')
      .map((line) => {
        const [digest = '', name = ''] = line.split(/\s+\*?/);
        return [name, digest];
      }),
  );
}

/**
 * Runs terraform in `dir` with a PATH holding only a directory with a terraform symlink, our
 * own CLI configuration (no plugin cache, no installation overrides unless given) and the test
 * CA, exactly the environment of a machine that has nothing installed but Terraform.
 */
function terraform(dir: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(join(binDir, 'terraform'), args, {
      cwd: dir,
      env: {
        PATH: binDir,
        HOME: join(scratch, 'home'),
        TMPDIR: tmpdir(),
        TF_CLI_CONFIG_FILE: cliConfig,
        CHECKPOINT_DISABLE: '1',
        TF_IN_AUTOMATION: '1',
        SSL_CERT_FILE: ca.caFile,
        NODE_EXTRA_CA_CERTS: ca.caFile,
        TESSERA_ENDPOINT: `https://${registryHost}`,
        TESSERA_API_TOKEN: user.token,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`terraform ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, 300_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, stdout, stderr });
    });
  });
}

async function terraformOk(dir: string, args: string[], env?: Record<string, string>): Promise<RunResult> {
  const result = await terraform(dir, args, env);
  if (result.code !== 0)
    throw new Error(`terraform ${args.join(' ')} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  return result;
}

function workdir(name: string, source: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'main.tf'),
    [
      'terraform {',
      '  required_providers {',
      `    tessera = { source = ${JSON.stringify(source)}, version = ${JSON.stringify(release.version)} }`,
      '  }',
      '}',
      '',
      'provider "tessera" {}',
      '',
      'resource "tessera_personal_access_token" "ci" {',
      '  name            = "registry-e2e"',
      '  expiration_days = 7',
      '}',
      '',
      'output "token_id" {',
      '  value = tessera_personal_access_token.ci.id',
      '}',
      '',
    ].join('\n'),
  );
  return dir;
}

/** Lock file hashes of one provider block. */
function lockHashes(dir: string): { zh: string[]; h1: string[] } {
  const lock = readFileSync(join(dir, '.terraform.lock.hcl'), 'utf8');
  return {
    zh: [...lock.matchAll(/"zh:([0-9a-f]{64})"/g)].map((m) => m[1]!),
    h1: [...lock.matchAll(/"(h1:[A-Za-z0-9+/=]+)"/g)].map((m) => m[1]!),
  };
}

/** A copy of the release (hard links, so 35 MB zips are not copied) with one file replaced. */
function releaseCopy(name: string, replace: Record<string, Buffer>): string {
  const root = join(scratch, name);
  const dir = join(root, release.version);
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(release.dir)) {
    if (replace[file]) writeFileSync(join(dir, file), replace[file]);
    else linkSync(join(release.dir, file), join(dir, file));
  }
  return root;
}

async function registryFor(releasesDir: string): Promise<string> {
  // Another instance on the same database (the fixture's stop() stops it), in this process.
  const other = await api.startAnotherInstance({ providerReleases: releasesDir, tls: { cert: ca.cert, key: ca.key } });
  return `localhost:${new URL(other.url).port}`;
}

beforeAll(async () => {
  release = await testRelease();
  ca = createTestCa();
  scratch = mkdtempSync(join(tmpdir(), 'tessera-registry-e2e-'));
  mkdirSync(join(scratch, 'home'));
  binDir = join(scratch, 'bin');
  mkdirSync(binDir);
  symlinkSync(findTerraformBinary(), join(binDir, 'terraform'));
  // Our own CLI configuration, with nothing in it: no plugin cache (none is set, and the
  // environment has no TF_PLUGIN_CACHE_DIR), no installation overrides, so every init downloads
  // from the registry its source names, as on a fresh machine.
  cliConfig = join(scratch, 'terraform.rc');
  writeFileSync(cliConfig, '# no plugin_cache_dir, no provider_installation: the defaults of a fresh machine\n');
  // `npm start` as an operator runs it: a child process serving HTTPS with the release directory.
  api = await startTestApi({
    mode: 'process',
    env: { TESSERA_PROVIDER_RELEASES: release.root, TESSERA_TLS_CERT: ca.certFile, TESSERA_TLS_KEY: ca.keyFile },
  });
  registryHost = `localhost:${new URL(api.url).port}`;
  user = await api.createUserWithToken();
  keyId = release.keyId;
}, 30 * 60_000);

afterAll(async () => {
  for (const stop of stopLater) await stop().catch(() => undefined);
  await api?.stop();
  ca?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("terraform installs the provider from Tessera's registry over HTTPS", () => {
  it(
    'init installs the signed release; apply and destroy a token with no node on the PATH',
    async () => {
      expect(readdirSync(binDir)).toEqual(['terraform']);
      const dir = workdir('install', `${registryHost}/tessera/tessera`);
      const init = await terraformOk(dir, ['init', '-no-color', '-input=false']);
      const installed = new RegExp(
        `- Installed ${registryHost}/tessera/tessera v${release.version.replace(/\./g, '\\.')} \\((?:self-)?signed, key ID ${keyId}\\)`,
      );
      expect(init.stdout).toMatch(installed);

      // The package in .terraform is the self-contained executable, nothing else.
      const packageDir = join(dir, '.terraform', 'providers', registryHost, 'tessera', 'tessera', release.version, HOST_PLATFORM);
      expect(readdirSync(packageDir)).toEqual([`${PREFIX}_v${release.version}`]);
      expect(readFileSync(join(packageDir, `${PREFIX}_v${release.version}`)).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));

      // A registry install records a zh: hash for every entry of the signed SHA256SUMS: the zips
      // of all five platforms (and the manifest), so another platform's init passes the check.
      const sums = shasums(release.dir, release.version);
      const zh = lockHashes(dir).zh;
      expect(zh.sort()).toEqual([...sums.values()].sort());
      for (const p of FIVE_PLATFORMS) expect(zh).toContain(sums.get(`${PREFIX}_${release.version}_${p}.zip`));

      await terraformOk(dir, ['apply', '-no-color', '-input=false', '-auto-approve']);
      const tokenId = (await terraformOk(dir, ['output', '-raw', 'token_id'])).stdout.trim();
      const listed = await fetchAsUser(`/api/v1/personal-access-tokens/${tokenId}`);
      expect(listed.status).toBe(200);
      expect(listed.body).toMatchObject({ id: tokenId, name: 'registry-e2e' });

      await terraformOk(dir, ['destroy', '-no-color', '-input=false', '-auto-approve']);
      expect((await fetchAsUser(`/api/v1/personal-access-tokens/${tokenId}`)).status).toBe(404);
    },
    10 * 60_000,
  );

  it(
    'providers lock with all five -platform flags records hashes for all five platforms',
    async () => {
      const dir = workdir('lock', `${registryHost}/tessera/tessera`);
      await terraformOk(dir, ['providers', 'lock', ...FIVE_PLATFORMS.map((p) => `-platform=${p}`)]);
      const sums = shasums(release.dir, release.version);
      const hashes = lockHashes(dir);
      for (const p of FIVE_PLATFORMS) expect(hashes.zh).toContain(sums.get(`${PREFIX}_${release.version}_${p}.zip`));
      // providers lock downloads every platform's package and records its h1: hash too: the same
      // hashes the release builder computed.
      expect(release.archives.map((a) => a.platform).sort()).toEqual([...FIVE_PLATFORMS].sort());
      expect([...new Set(hashes.h1)].sort()).toEqual(release.archives.map((a) => a.h1).sort());
    },
    10 * 60_000,
  );

  it(
    "a tampered zip fails init with Terraform's checksum error",
    async () => {
      const zipName = `${PREFIX}_${release.version}_${HOST_PLATFORM}.zip`;
      const tampered = Buffer.from(readFileSync(join(release.dir, zipName)));
      tampered[tampered.length - 100] = (tampered[tampered.length - 100] ?? 0) ^ 0xff;
      const host = await registryFor(releaseCopy('tampered-zip', { [zipName]: tampered }));
      const dir = workdir('tampered-zip-init', `${host}/tessera/tessera`);
      const init = await terraform(dir, ['init', '-no-color', '-input=false']);
      expect(init.code).toBe(1);
      const expected = createHash('sha256')
        .update(readFileSync(join(release.dir, zipName)))
        .digest('hex');
      const actual = createHash('sha256').update(tampered).digest('hex');
      expect(init.stderr.replace(/\s+/g, ' ')).toContain(`archive has incorrect checksum zh:${actual} (expected zh:${expected})`);
      expect(readdirSyncSafe(join(dir, '.terraform', 'providers'))).not.toContain(host);
    },
    5 * 60_000,
  );

  it(
    "a signature by another key fails init with Terraform's signature error",
    async () => {
      const openpgp = await import('openpgp');
      const other = await openpgp.generateKey({
        type: 'ecc',
        curve: 'ed25519Legacy',
        userIDs: [{ name: 'someone else' }],
        format: 'object',
      });
      const sumsName = `${PREFIX}_${release.version}_SHA256SUMS`;
      const signature = await openpgp.sign({
        message: await openpgp.createMessage({ binary: readFileSync(join(release.dir, sumsName)) }),
        signingKeys: other.privateKey,
        detached: true,
        format: 'binary',
      });
      const host = await registryFor(releaseCopy('wrong-signature', { [`${sumsName}.sig`]: Buffer.from(signature as Uint8Array) }));
      const dir = workdir('wrong-signature-init', `${host}/tessera/tessera`);
      const init = await terraform(dir, ['init', '-no-color', '-input=false']);
      expect(init.code).toBe(1);
      expect(init.stderr.replace(/\s+/g, ' ')).toContain(
        `Error while installing ${host}/tessera/tessera v${release.version}: authentication signature from unknown issuer`,
      );
    },
    5 * 60_000,
  );

  it(
    'a SHA256SUMS rewritten to match a tampered zip fails init: the signature no longer covers it',
    async () => {
      const zipName = `${PREFIX}_${release.version}_${HOST_PLATFORM}.zip`;
      const sumsName = `${PREFIX}_${release.version}_SHA256SUMS`;
      const tampered = Buffer.concat([readFileSync(join(release.dir, zipName)), Buffer.from('extra')]);
      const original = shasums(release.dir, release.version).get(zipName)!;
      const digest = createHash('sha256').update(tampered).digest('hex');
      const sums = readFileSync(join(release.dir, sumsName), 'utf8').replace(original, digest);
      const host = await registryFor(releaseCopy('rewritten-sums', { [zipName]: tampered, [sumsName]: Buffer.from(sums) }));
      const dir = workdir('rewritten-sums-init', `${host}/tessera/tessera`);
      const init = await terraform(dir, ['init', '-no-color', '-input=false']);
      expect(init.code).toBe(1);
      expect(init.stderr.replace(/\s+/g, ' ')).toContain(
        `Error while installing ${host}/tessera/tessera v${release.version}: error checking signature: openpgp: invalid signature`,
      );
    },
    5 * 60_000,
  );

  it(
    'init installs through a TLS-terminating proxy in front of a plain-HTTP Tessera',
    async () => {
      const backend = await api.startAnotherInstance({ providerReleases: release.root });
      expect(backend.url).toMatch(/^http:\/\//);
      const proxy = await tlsTerminatingProxy(new URL(backend.url));
      const host = `localhost:${proxy.port}`;
      const dir = workdir('behind-proxy', `${host}/tessera/tessera`);
      const init = await terraformOk(dir, ['init', '-no-color', '-input=false']);
      expect(init.stdout).toMatch(
        new RegExp(`- Installed ${host}/tessera/tessera v${release.version.replace(/\./g, '\\.')} \\((?:self-)?signed, key ID ${keyId}\\)`),
      );
      // Everything, the zip included, came through the proxy: the answers' URLs are relative.
      expect(proxy.requests).toEqual(
        expect.arrayContaining([
          '/.well-known/terraform.json',
          '/v1/providers/tessera/tessera/versions',
          expect.stringMatching(
            new RegExp(`^/v1/providers/tessera/tessera/${release.version}/files/${PREFIX}_${release.version}_${HOST_PLATFORM}\\.zip$`),
          ),
        ]),
      );
    },
    5 * 60_000,
  );

  it(
    'init installs from the network-mirror layout served by any HTTPS server',
    async () => {
      const mirror = await staticHttpsServer(release.networkMirrorDir);
      const config = join(scratch, 'mirror.rc');
      writeFileSync(config, `provider_installation {\n  network_mirror {\n    url = "https://localhost:${mirror.port}/"\n  }\n}\n`);
      // Spelled out: a bare "tessera/tessera" means registry.opentofu.org to OpenTofu.
      const dir = workdir('network-mirror', 'registry.terraform.io/tessera/tessera');
      const init = await terraformOk(dir, ['init', '-no-color', '-input=false'], { TF_CLI_CONFIG_FILE: config });
      expect(init.stdout).toMatch(
        new RegExp(`- Installed (?:registry\\.terraform\\.io/)?tessera/tessera v${release.version.replace(/\./g, '\\.')}`),
      );
      expect(mirror.requests).toContain('/registry.terraform.io/tessera/tessera/index.json');
      expect(mirror.requests).toContain(`/registry.terraform.io/tessera/tessera/${release.version}.json`);
      // The lock file carries the hashes the mirror's <version>.json lists for this platform.
      const listed = mirrorVersionJson();
      const h1 = listed.archives[HOST_PLATFORM]?.hashes.find((h) => h.startsWith('h1:'));
      expect(h1).toBeDefined();
      expect(lockHashes(dir).h1).toContain(h1);
      await terraformOk(dir, ['apply', '-no-color', '-input=false', '-auto-approve']);
      await terraformOk(dir, ['destroy', '-no-color', '-input=false', '-auto-approve']);
    },
    10 * 60_000,
  );
});

function mirrorVersionJson(): { archives: Record<string, { url: string; hashes: string[] }> } {
  const file = join(release.networkMirrorDir, 'registry.terraform.io/tessera/tessera', `${release.version}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as { archives: Record<string, { url: string; hashes: string[] }> };
}

function readdirSyncSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function fetchAsUser(path: string): Promise<{ status: number; body: unknown }> {
  const { request } = await import('node:https');
  return new Promise((done, fail) => {
    const req = request(`https://${registryHost}${path}`, { ca: ca.ca, headers: { Authorization: `Bearer ${user.token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** A static file server over HTTPS (the test CA's certificate), as a team's artifact host would be. */
async function staticHttpsServer(root: string): Promise<{ port: number; requests: string[] }> {
  const requests: string[] = [];
  const server: Server = createServer({ cert: ca.cert, key: ca.key }, (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname);
    requests.push(path);
    const file = resolve(root, `.${path}`);
    if (relative(root, file).startsWith(`..${sep}`) || !statSafe(file)?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.endsWith('.json') ? 'application/json' : 'application/zip',
      'Content-Length': statSync(file).size,
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  stopLater.push(() => new Promise((done) => server.close(() => done())));
  return { port: (server.address() as AddressInfo).port, requests };
}

/** An HTTPS front (the test CA's certificate) that forwards every request to a plain-HTTP backend. */
async function tlsTerminatingProxy(backend: URL): Promise<{ port: number; requests: string[] }> {
  const { request: httpRequest } = await import('node:http');
  const requests: string[] = [];
  const server: Server = createServer({ cert: ca.cert, key: ca.key }, (req, res) => {
    requests.push(req.url ?? '');
    const upstream = httpRequest(
      {
        host: backend.hostname,
        port: backend.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-proto': 'https' },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  stopLater.push(() => new Promise((done) => server.close(() => done())));
  return { port: (server.address() as AddressInfo).port, requests };
}

function statSafe(file: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
