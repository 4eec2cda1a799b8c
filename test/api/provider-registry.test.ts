// The provider registry as an HTTP client sees it, over real TLS: a release directory laid out
// as `npm run provider:release` writes it (small stand-in zips, a real OpenPGP key and
// signature), the API serving it in this process with a certificate from a test CA.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startTestApi, type TestApi } from '../support/api-server';
import { createTestCa, type TestCa } from '../support/test-ca';

const VERSION = '1.2.3';
const PLATFORMS = ['darwin_arm64', 'linux_amd64', 'windows_amd64'];
const PREFIX = `terraform-provider-tessera_${VERSION}`;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let ca: TestCa;
let api: TestApi;
let root: string;
let keyId: string;
let publicKey: string;
const zips = new Map<string, Buffer>();

function get(url: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // The path is sent exactly as written (no URL normalisation), as a hostile client would.
    const parsed = new URL(url);
    const path = url.slice(url.indexOf('/', 'https://'.length));
    const req = request({ host: parsed.hostname, port: parsed.port, path, method, ca: ca.ca, servername: 'localhost' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const json = (reply: Reply): Record<string, unknown> => JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
const url = (path: string): string => `${api.url.replace('127.0.0.1', 'localhost')}${path}`;

async function writeRelease(dir: string, version: string, options: { signature?: boolean } = {}): Promise<void> {
  const openpgp = await import('openpgp');
  const prefix = `terraform-provider-tessera_${version}`;
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (const platform of PLATFORMS) {
    const content = Buffer.from(`zip of ${version} for ${platform}`);
    zips.set(`${version}/${platform}`, content);
    writeFileSync(join(dir, `${prefix}_${platform}.zip`), content);
    lines.push(`${createHash('sha256').update(content).digest('hex')}  ${prefix}_${platform}.zip`);
  }
  const sums = `${lines.join('\n')}\n`;
  writeFileSync(join(dir, `${prefix}_SHA256SUMS`), sums);
  writeFileSync(join(dir, `${prefix}_manifest.json`), JSON.stringify({ version: 1, metadata: { protocol_versions: ['6.0'] } }));
  writeFileSync(join(dir, `${prefix}_signing_key.asc`), publicKey);
  if (options.signature !== false) {
    const privateKey = await openpgp.readPrivateKey({ armoredKey: signingKey });
    const signature = await openpgp.sign({
      message: await openpgp.createMessage({ binary: Buffer.from(sums) }),
      signingKeys: privateKey,
      detached: true,
      format: 'binary',
    });
    writeFileSync(join(dir, `${prefix}_SHA256SUMS.sig`), signature as Uint8Array);
  }
}

let signingKey: string;

beforeAll(async () => {
  const openpgp = await import('openpgp');
  const generated = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'registry test' }],
    format: 'armored',
  });
  signingKey = generated.privateKey;
  publicKey = generated.publicKey;
  keyId = (await openpgp.readKey({ armoredKey: publicKey })).getKeyID().toHex().toUpperCase();
  ca = createTestCa();
  root = mkdtempSync(join(tmpdir(), 'tessera-releases-'));
  await writeRelease(join(root, VERSION), VERSION);
  await writeRelease(join(root, '1.10.0'), '1.10.0');
  // Not served: unsigned, not a version, and a file outside any release directory.
  await writeRelease(join(root, '2.0.0'), '2.0.0', { signature: false });
  mkdirSync(join(root, 'latest'));
  writeFileSync(join(root, 'secret.txt'), 'not for download');
  writeFileSync(join(root, VERSION, '.hidden'), 'not for download');
  mkdirSync(join(root, VERSION, 'sub'));
  writeFileSync(join(root, VERSION, 'sub', 'inner.zip'), 'not for download');
  api = await startTestApi({ providerReleases: root, tls: { cert: ca.cert, key: ca.key } });
}, 60_000);

afterAll(async () => {
  await api?.stop();
  ca?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('provider registry', () => {
  it('answers service discovery at /.well-known/terraform.json, over HTTPS', async () => {
    expect(api.url).toMatch(/^https:\/\//);
    const reply = await get(url('/.well-known/terraform.json'));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(json(reply)).toEqual({ 'providers.v1': '/v1/providers/' });
  });

  it('lists the complete, signed releases newest first, with protocols and platforms', async () => {
    const reply = await get(url('/v1/providers/tessera/tessera/versions'));
    expect(reply.status).toBe(200);
    const platforms = PLATFORMS.map((p) => ({ os: p.split('_')[0], arch: p.split('_')[1] }));
    expect(json(reply)).toEqual({
      versions: [
        { version: '1.10.0', protocols: ['6.0'], platforms },
        { version: VERSION, protocols: ['6.0'], platforms },
      ],
    });
  });

  it('serves a release copied in while it runs, without a restart', async () => {
    await writeRelease(join(root, '1.11.0-beta.1'), '1.11.0-beta.1');
    try {
      const versions = (json(await get(url('/v1/providers/tessera/tessera/versions'))).versions as Array<{ version: string }>).map(
        (v) => v.version,
      );
      expect(versions).toEqual(['1.11.0-beta.1', '1.10.0', VERSION]);
      expect((await get(url('/v1/providers/tessera/tessera/1.11.0-beta.1/download/windows/amd64'))).status).toBe(200);
    } finally {
      rmSync(join(root, '1.11.0-beta.1'), { recursive: true, force: true });
    }
  });

  it('describes a package with the fields of the protocol; its relative URLs fetch the files', async () => {
    const address = url(`/v1/providers/tessera/tessera/${VERSION}/download/linux/amd64`);
    const reply = await get(address);
    expect(reply.status).toBe(200);
    const body = json(reply);
    const zip = zips.get(`${VERSION}/linux_amd64`)!;
    expect(body).toEqual({
      protocols: ['6.0'],
      os: 'linux',
      arch: 'amd64',
      filename: `${PREFIX}_linux_amd64.zip`,
      download_url: `../../files/${PREFIX}_linux_amd64.zip`,
      shasums_url: `../../files/${PREFIX}_SHA256SUMS`,
      shasums_signature_url: `../../files/${PREFIX}_SHA256SUMS.sig`,
      shasum: createHash('sha256').update(zip).digest('hex'),
      signing_keys: { gpg_public_keys: [{ key_id: keyId, ascii_armor: publicKey }] },
    });

    const download = await get(new URL(body.download_url as string, address).href);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(download.headers['content-length']).toBe(String(zip.length));
    expect(download.body.equals(zip)).toBe(true);

    const sums = await get(new URL(body.shasums_url as string, address).href);
    expect(sums.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(sums.body.toString()).toContain(`${body.shasum as string}  ${PREFIX}_linux_amd64.zip`);

    const signature = await get(new URL(body.shasums_signature_url as string, address).href);
    expect(signature.headers['content-type']).toBe('application/pgp-signature');
    const openpgp = await import('openpgp');
    const verified = await openpgp.verify({
      message: await openpgp.createMessage({ binary: sums.body }),
      signature: await openpgp.readSignature({ binarySignature: signature.body }),
      verificationKeys: await openpgp.readKey({ armoredKey: publicKey }),
    });
    await expect(verified.signatures[0]!.verified).resolves.toBe(true);

    const head = await get(new URL(body.download_url as string, address).href, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(zip.length));
  });

  it('answers 404 problem+json for an unknown namespace, type, version or platform', async () => {
    const paths = [
      '/v1/providers/hashicorp/tessera/versions',
      '/v1/providers/tessera/other/versions',
      '/v1/providers/Tessera/tessera/versions',
      `/v1/providers/hashicorp/tessera/${VERSION}/download/linux/amd64`,
      '/v1/providers/tessera/tessera/9.9.9/download/linux/amd64',
      '/v1/providers/tessera/tessera/2.0.0/download/linux/amd64',
      `/v1/providers/tessera/tessera/${VERSION}/download/linux/arm64`,
      `/v1/providers/tessera/tessera/${VERSION}/download/plan9/amd64`,
      `/v1/providers/tessera/tessera/not-a-version/download/linux/amd64`,
      `/v1/providers/tessera/tessera/1.2.3-../download/linux/amd64`,
      `/v1/providers/tessera/tessera/${VERSION}/download/..%2F..%2F/amd64`,
    ];
    for (const path of paths) {
      const reply = await get(url(path));
      expect({ path, status: reply.status, type: reply.headers['content-type'] }).toEqual({
        path,
        status: 404,
        type: 'application/problem+json',
      });
      expect(json(reply)).toMatchObject({ status: 404, title: 'Not Found' });
    }
  });

  it('serves files from a releases directory given as a relative path (as the default is)', async () => {
    const relativeRoot = relative(process.cwd(), root);
    expect(relativeRoot.startsWith('/')).toBe(false);
    const other = await api.startAnotherInstance({ providerReleases: relativeRoot, tls: { cert: ca.cert, key: ca.key } });
    try {
      const base = other.url.replace('127.0.0.1', 'localhost');
      const reply = await get(`${base}/v1/providers/tessera/tessera/${VERSION}/files/${PREFIX}_SHA256SUMS`);
      expect(reply.status).toBe(200);
      expect(reply.body.toString()).toContain(`${PREFIX}_linux_amd64.zip`);
    } finally {
      await other.stop();
    }
  });

  it('answers a path it cannot decode with 400 problem+json, not a server error', async () => {
    const reply = await get(url(`/v1/providers/tessera/tessera/${VERSION}/files/%ZZ`));
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toBe('application/problem+json');
  });

  it('serves only files that exist in a release directory: no traversal, no hidden or nested files', async () => {
    const files = `/v1/providers/tessera/tessera/${VERSION}/files`;
    const attempts = [
      `${files}/..%2F..%2Fsecret.txt`,
      `${files}/..%2Fsecret.txt`,
      `${files}/%2e%2e%2f%2e%2e%2fsecret.txt`,
      `${files}/../../secret.txt`,
      `${files}/.hidden`,
      `${files}/sub%2Finner.zip`,
      `${files}/sub`,
      `${files}/%2Fetc%2Fpasswd`,
      `/v1/providers/tessera/tessera/..%2F..%2F..%2F..%2Fetc/files/passwd`,
      `/v1/providers/tessera/tessera/2.0.0/files/terraform-provider-tessera_2.0.0_linux_amd64.zip`,
      `/v1/providers/tessera/tessera/latest/files/secret.txt`,
      `/v1/providers/tessera/tessera/${VERSION}/files/terraform-provider-tessera_${VERSION}_linux_arm64.zip`,
    ];
    for (const path of attempts) {
      const reply = await get(url(path));
      expect({ path, status: reply.status }).toEqual({ path, status: 404 });
      expect(reply.body.toString()).not.toContain('not for download');
    }
  });

  it('refuses plain HTTP on the HTTPS port', async () => {
    const response = await new Promise<string>((resolve) => {
      const port = new URL(api.url).port;
      import('node:http').then(
        ({ get: httpGet }) => {
          const req = httpGet({ host: '127.0.0.1', port, path: '/.well-known/terraform.json' }, (res) =>
            resolve(`status ${res.statusCode ?? 0}`),
          );
          req.on('error', (error) => resolve(`error ${(error as NodeJS.ErrnoException).code ?? error.message}`));
        },
        (error: unknown) => resolve(String(error)),
      );
    });
    expect(response).not.toBe('status 200');
  });
});
