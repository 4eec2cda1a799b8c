// The provider release (npm run provider:release): the files a registry serves, their
// signature, the network mirror layout, and each platform's executable — run here where the
// machine can (linux_amd64 natively, linux_arm64 under qemu user-mode emulation), checked
// structurally where it cannot (Windows PE, macOS Mach-O with its ad-hoc signature).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yauzl from 'yauzl';
import { computeH1Hash } from '../../provider/protocol';
import { loaderSource } from '../../provider/protocol/packaging/loader';
import { verifyMachOSignature } from '../../provider/protocol/packaging/macho';
import { hasAuthenticode, parsePe, readPeResource } from '../../provider/protocol/packaging/pe';
import { readSigningKey, verifyDetached } from '../../provider/protocol/packaging/signing';
import { PROVIDER_VERSION } from '../../provider/tessera/version';
import { buildProvider } from '../../scripts/provider-packaging';
import { buildProviderRelease, MAX_ZIP_BYTES, RELEASE_PLATFORMS, RELEASE_TARGETS, releaseCacheDir } from '../../scripts/provider-release';
import { fetchNodeRuntime, hostNodeRuntime, injectSeaBlob } from '../../provider/protocol/packaging/sea';
import { connect, goPluginEnv, startPlugin } from '../protocol/support/plugin-process';
import { testRelease, type TestRelease } from './release-build';

jest.setTimeout(30 * 60_000);

const V = PROVIDER_VERSION;
const PREFIX = `terraform-provider-tessera_${V}`;
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

let release: TestRelease;
let bundleSource: Buffer;
const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  release = await testRelease();
  // esbuild is deterministic: a fresh bundle of the same sources is the one inside the executables.
  const built = await buildProvider(tempDir('tessera-release-bundle-'));
  bundleSource = readFileSync(join(built.bundlePath, '..', 'provider-bundle.js'));
}, 60 * 60_000);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface ZipMember {
  name: string;
  mode: number;
  madeByUnix: boolean;
  data: Buffer;
}

function readZip(file: string): Promise<ZipMember[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, decodeStrings: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const members: ZipMember[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            members.push({
              name: entry.fileName,
              mode: (entry.externalFileAttributes >>> 16) & 0o177777,
              madeByUnix: entry.versionMadeBy >> 8 === 3,
              data: Buffer.concat(chunks),
            });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(members));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const executables = new Map<string, Buffer>();
async function executableOf(platform: string): Promise<ZipMember> {
  const members = await readZip(join(release.dir, `${PREFIX}_${platform}.zip`));
  expect(members).toHaveLength(1);
  const member = members[0] as ZipMember;
  executables.set(platform, member.data);
  return member;
}

function extract(platform: string, data: Buffer, name: string): string {
  const dir = tempDir(`tessera-release-${platform}-`);
  const file = join(dir, name);
  writeFileSync(file, data);
  chmodSync(file, 0o755);
  return file;
}

describe('release files', () => {
  it('writes a zip per platform, SHA256SUMS, its signature, the manifest and the public key', () => {
    expect(readdirSync(release.dir).sort()).toEqual(
      [
        ...RELEASE_PLATFORMS.map((p) => `${PREFIX}_${p}.zip`),
        `${PREFIX}_SHA256SUMS`,
        `${PREFIX}_SHA256SUMS.sig`,
        `${PREFIX}_manifest.json`,
        `${PREFIX}_signing_key.asc`,
      ].sort(),
    );
    expect(readFileSync(join(release.dir, `${PREFIX}_manifest.json`), 'utf8').trim()).toBe(
      '{"version":1,"metadata":{"protocol_versions":["6.0"]}}',
    );
    const sums = readFileSync(join(release.dir, `${PREFIX}_SHA256SUMS`), 'utf8');
    const listed = Object.fromEntries(
      sums
        .trim()
        .split('\n')
        .map((line) => line.split('  ').reverse() as [string, string]),
    );
    for (const file of readdirSync(release.dir).filter((f) => f.endsWith('.zip') || f.endsWith('_manifest.json'))) {
      expect(listed[file]).toBe(
        createHash('sha256')
          .update(readFileSync(join(release.dir, file)))
          .digest('hex'),
      );
    }
    expect(Object.keys(listed)).toHaveLength(RELEASE_PLATFORMS.length + 1);
  });

  it('signs SHA256SUMS with a detached binary OpenPGP signature that verifies against the published key', async () => {
    const sums = readFileSync(join(release.dir, `${PREFIX}_SHA256SUMS`));
    const signature = readFileSync(join(release.dir, `${PREFIX}_SHA256SUMS.sig`));
    const publicKey = readFileSync(join(release.dir, `${PREFIX}_signing_key.asc`), 'utf8');
    expect(signature[0] === undefined ? 0 : signature[0] & 0x80).toBe(0x80); // binary packet, not ASCII armor
    expect(publicKey).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
    expect(publicKey).not.toContain('PRIVATE');
    expect(await verifyDetached(sums, signature, publicKey)).toBe(true);
    const tampered = Buffer.from(sums);
    tampered[0] = tampered[0] === 0x30 ? 0x31 : 0x30;
    expect(await verifyDetached(tampered, signature, publicKey)).toBe(false);
  });

  it.each(RELEASE_PLATFORMS)('%s: one executable, mode 0755, within the size budget', async (platform) => {
    const zipFile = join(release.dir, `${PREFIX}_${platform}.zip`);
    expect(statSync(zipFile).size).toBeLessThanOrEqual(MAX_ZIP_BYTES);
    const member = await executableOf(platform);
    expect(member.name).toBe(`terraform-provider-tessera_v${V}${platform.startsWith('windows') ? '.exe' : ''}`);
    expect(member.madeByUnix).toBe(true);
    expect(member.mode).toBe(0o100755);
  });

  it('writes the network mirror layout with h1: and zh: hashes of every archive', async () => {
    const providerDir = join(release.networkMirrorDir, 'registry.terraform.io', 'tessera', 'tessera');
    expect(JSON.parse(readFileSync(join(providerDir, 'index.json'), 'utf8'))).toEqual({ versions: { [V]: {} } });
    const version = JSON.parse(readFileSync(join(providerDir, `${V}.json`), 'utf8')) as {
      archives: Record<string, { url: string; hashes: string[] }>;
    };
    expect(Object.keys(version.archives).sort()).toEqual([...RELEASE_PLATFORMS].sort());
    for (const platform of RELEASE_PLATFORMS) {
      const archive = version.archives[platform];
      expect(archive?.url).toBe(`${PREFIX}_${platform}.zip`);
      const zip = readFileSync(join(providerDir, archive?.url ?? ''));
      expect(zip.equals(readFileSync(join(release.dir, `${PREFIX}_${platform}.zip`)))).toBe(true);
      // The h1: hash as Terraform computes it for an unpacked package directory.
      const unpacked = tempDir('tessera-h1-');
      const member = await executableOf(platform);
      writeFileSync(join(unpacked, member.name), member.data);
      expect(archive?.hashes).toEqual([await computeH1Hash(unpacked), `zh:${createHash('sha256').update(zip).digest('hex')}`]);
    }
  });
});

/** The handshake, one gRPC call and a clean Shutdown, with nothing from this machine's Node on the PATH. */
async function exerciseProvider(executable: string, cacheDir: string): Promise<{ handshake: string; stderr: string }> {
  const env = goPluginEnv({ PATH: tempDir('tessera-no-node-'), TF_PROVIDER_CODE_CACHE_DIR: cacheDir, TMPDIR: tmpdir() });
  const plugin = await startPlugin(executable, env);
  const client = connect(plugin.handshake);
  try {
    const schema = await client.provider('GetProviderSchema', {});
    expect(Object.keys((schema.resourceSchemas ?? schema.resource_schemas ?? {}) as object)).toContain('tessera_personal_access_token');
    await client.controller('Shutdown', {}).catch(() => undefined);
  } finally {
    client.close();
  }
  const exit = await plugin.exited;
  expect(exit.code).toBe(0);
  return { handshake: plugin.rawLine, stderr: plugin.stderr() };
}

describe('linux_amd64', () => {
  it('runs with no node on the PATH: handshake, a schema call, Shutdown, and a code cache that the next start accepts', async () => {
    const member = await executableOf('linux_amd64');
    const file = extract('linux_amd64', member.data, member.name);
    const cacheDir = tempDir('tessera-code-cache-');
    const first = await exerciseProvider(file, cacheDir);
    expect(first.handshake).toMatch(/^1\|6\|unix\|[^|]+\|grpc\|$/);
    const caches = readdirSync(cacheDir).filter((f) => f.endsWith('.v8cache'));
    expect(caches).toHaveLength(1);
    const cacheFile = join(cacheDir, caches[0] ?? '');
    const written = statSync(cacheFile).mtimeMs;
    // Rewritten only when missing or rejected by V8: an unchanged file means the start used it.
    await new Promise((r) => setTimeout(r, 20));
    await exerciseProvider(file, cacheDir);
    expect(statSync(cacheFile).mtimeMs).toBe(written);
  });

  it('refuses to run by hand with the go-plugin message', async () => {
    const member = await executableOf('linux_amd64');
    const file = extract('linux_amd64', member.data, member.name);
    const result = spawnSync(file, [], { env: { PATH: tempDir('tessera-no-node-') }, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('This binary is a plugin');
  });
});

const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';

function qemuAarch64(): string | undefined {
  for (const candidate of ['qemu-aarch64-static', 'qemu-aarch64']) {
    const found = spawnSync('sh', ['-c', `command -v ${candidate}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  }
  return undefined;
}

describe('linux_arm64', () => {
  it('reaches the go-plugin handshake under qemu user-mode emulation and serves a schema call', async () => {
    const qemu = qemuAarch64();
    if (!qemu) {
      if (process.env.CI === 'true')
        throw new Error('qemu-aarch64-static is not installed (apt-get install qemu-user-static; .ci/run does)');
      console.warn('skipped: qemu-aarch64-static is not installed (apt-get install qemu-user-static)');
      return;
    }
    const member = await executableOf('linux_arm64');
    const file = extract('linux_arm64', member.data, member.name);
    expect(member.data.readUInt16LE(18)).toBe(183); // ELF e_machine EM_AARCH64
    // qemu is named explicitly (binfmt_misc may not be registered in a container), with Debian's
    // arm64 C and C++ runtime libraries as the guest's root: Node's binary links them dynamically.
    if (!existsSync(join(ARM64_SYSROOT, 'lib', 'ld-linux-aarch64.so.1'))) {
      throw new Error(
        `${ARM64_SYSROOT} lacks the arm64 loader (apt-get install libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross; .ci/run does)`,
      );
    }
    const launcher = join(tempDir('tessera-qemu-'), 'run-arm64');
    writeFileSync(launcher, `#!/bin/sh\nexec ${qemu} -L ${ARM64_SYSROOT} ${file} "$@"\n`, { mode: 0o755 });
    const result = await exerciseProvider(launcher, tempDir('tessera-code-cache-'));
    expect(result.handshake).toMatch(/^1\|6\|unix\|[^|]+\|grpc\|$/);
  });
});

describe('windows_amd64 (checked structurally: Windows cannot run here)', () => {
  it('is a console PE32+ for x86-64 with our SEA blob as the NODE_SEA_BLOB resource, the fuse set, no stale Authenticode', async () => {
    const member = await executableOf('windows_amd64');
    const pe = parsePe(member.data);
    expect(pe.machine).toBe(0x8664);
    expect(pe.pe32Plus).toBe(true);
    expect(pe.subsystem).toBe(3);
    const blob = readPeResource(member.data, 10, 'NODE_SEA_BLOB');
    expect(blob).toBeDefined();
    expectOurBlob(blob ?? Buffer.alloc(0));
    expectFuseSet(member.data);
    expect(hasAuthenticode(member.data)).toBe(false);
  });
});

function expectOurBlob(blob: Buffer): void {
  const bundleSha256 = createHash('sha256').update(bundleSource).digest('hex');
  expect(blob.includes(Buffer.from(loaderSource({ bundleFrom: 'sea-asset', bundleSha256 })))).toBe(true);
  expect(blob.includes(bundleSource)).toBe(true);
}

function expectFuseSet(binary: Buffer): void {
  const at = binary.indexOf(SEA_FUSE);
  expect(at).toBeGreaterThan(0);
  expect(binary.lastIndexOf(SEA_FUSE)).toBe(at);
  expect(binary.toString('latin1', at + SEA_FUSE.length, at + SEA_FUSE.length + 2)).toBe(':1');
}

/** The sections of a thin 64-bit Mach-O, from its LC_SEGMENT_64 commands. */
function machOSections(binary: Buffer): {
  cpuType: number;
  fileType: number;
  sections: { segment: string; section: string; offset: number; size: number }[];
} {
  expect(binary.readUInt32LE(0)).toBe(0xfeedfacf);
  const cpuType = binary.readUInt32LE(4);
  const fileType = binary.readUInt32LE(12);
  const commands = binary.readUInt32LE(16);
  const sections = [];
  let at = 32;
  for (let i = 0; i < commands; i++) {
    const cmd = binary.readUInt32LE(at);
    const size = binary.readUInt32LE(at + 4);
    if (cmd === 0x19) {
      const count = binary.readUInt32LE(at + 64);
      for (let s = 0; s < count; s++) {
        const sec = at + 72 + s * 80;
        sections.push({
          section: binary.toString('latin1', sec, sec + 16).replace(/\0+$/, ''),
          segment: binary.toString('latin1', sec + 16, sec + 32).replace(/\0+$/, ''),
          size: Number(binary.readBigUInt64LE(sec + 40)),
          offset: binary.readUInt32LE(sec + 48),
        });
      }
    }
    at += size;
  }
  return { cpuType, fileType, sections };
}

describe.each([
  ['darwin_amd64', 0x01000007],
  ['darwin_arm64', 0x0100000c],
])('%s (checked structurally: macOS cannot run here)', (platform, cpuType) => {
  it('is a thin Mach-O executable with our blob in NODE_SEA/__NODE_SEA_BLOB, the fuse set and a valid ad-hoc signature', async () => {
    const member = await executableOf(platform);
    const macho = machOSections(member.data);
    expect(macho.cpuType).toBe(cpuType);
    expect(macho.fileType).toBe(2); // MH_EXECUTE
    const section = macho.sections.find((s) => s.segment === 'NODE_SEA' && s.section === '__NODE_SEA_BLOB');
    expect(section).toBeDefined();
    expectOurBlob(member.data.subarray(section?.offset ?? 0, (section?.offset ?? 0) + (section?.size ?? 0)));
    expectFuseSet(member.data);
    const report = verifyMachOSignature(member.data);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.codeDirectories[0]?.identifier).toBe('terraform-provider-tessera');
  });
});

/** The SEA blob inside a release executable, read back from its format's container. */
function injectedBlob(platform: string, binary: Buffer): Buffer {
  if (platform.startsWith('windows_')) return readPeResource(binary, 10, 'NODE_SEA_BLOB') ?? Buffer.alloc(0);
  const section = machOSections(binary).sections.find((s) => s.segment === 'NODE_SEA' && s.section === '__NODE_SEA_BLOB');
  return section ? binary.subarray(section.offset, section.offset + section.size) : Buffer.alloc(0);
}

describe('the blobs of the executables that cannot run here', () => {
  // Windows and macOS cannot run here, but the blob inside each executable can: injected into
  // the Linux build of exactly the same Node version, it must start the provider and serve.
  it.each(['windows_amd64', 'darwin_amd64', 'darwin_arm64'])(
    '%s: its blob, injected into linux-x64 Node of the same version, serves the provider',
    async (platform) => {
      const member = await executableOf(platform);
      const blob = injectedBlob(platform, member.data);
      expectOurBlob(blob);
      const target = RELEASE_TARGETS.find((t) => t.platform === platform);
      if (!target) throw new Error(`no target ${platform}`);
      const linuxNode = await fetchNodeRuntime(hostNodeRuntime(target.runtime.version, 'linux', 'x64'), releaseCacheDir());
      const file = join(tempDir(`tessera-replay-${platform}-`), 'provider');
      await injectSeaBlob({ targetNode: linuxNode, blob, outFile: file });
      const result = await exerciseProvider(file, tempDir('tessera-code-cache-'));
      expect(result.handshake).toMatch(/^1\|6\|unix\|[^|]+\|grpc\|$/);
    },
  );
});

describe('reproducibility', () => {
  it('a second build of the same sources, from scratch, gives byte-identical zips for every platform', async () => {
    // Only the Node binaries are shared with the first build; blobs, executables and zips are made anew.
    const cacheDir = tempDir('tessera-release-cache-');
    mkdirSync(join(cacheDir, 'node'), { recursive: true });
    const nodeCache = join(releaseCacheDir(), 'node');
    for (const entry of existsSync(nodeCache) ? readdirSync(nodeCache) : []) {
      if (entry.startsWith('.')) continue;
      spawnSync('cp', ['-al', join(nodeCache, entry), join(cacheDir, 'node', entry)]);
    }
    const second = await buildProviderRelease({
      outDir: tempDir('tessera-release-again-'),
      cacheDir,
      signingKey: await readSigningKey(release.privateKeyArmored),
    });
    for (const platform of RELEASE_PLATFORMS) {
      const name = `${PREFIX}_${platform}.zip`;
      expect({ name, same: readFileSync(join(second.dir, name)).equals(readFileSync(join(release.dir, name))) }).toEqual({
        name,
        same: true,
      });
    }
    expect(readFileSync(second.files.shasums).equals(readFileSync(release.files.shasums))).toBe(true);
  });
});
