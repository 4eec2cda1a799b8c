// The embedded PostgreSQL launcher behind `npm start` and the test cluster, exercised with real
// servers: first start (initdb), reuse, a server orphaned by kill -9, a taken port, binaries the
// server account cannot reach, and a cluster another live process already runs.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { findRunningCluster, startEmbeddedPostgres, type EmbeddedPostgres } from '../../api/db/embedded-postgres';
import { findEmbeddedNativeDir } from '../../api/db/embedded-postgres-binaries';
import { isProcessAlive } from '../../api/db/embedded-postgres-os';

const repoRoot = path.resolve(__dirname, '../..');
const isRoot = process.getuid?.() === 0;

async function scalar(url: string, sql: string): Promise<unknown> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<Record<string, unknown>>(sql);
    return Object.values(result.rows[0] ?? {})[0];
  } finally {
    await client.end();
  }
}

function makeRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-launcher-test-'));
  fs.chmodSync(root, 0o755);
  return root;
}

describe('startEmbeddedPostgres', () => {
  let root: string;
  let dataDir: string;
  const running: EmbeddedPostgres[] = [];

  beforeAll(() => {
    root = makeRoot();
    dataDir = path.join(root, 'pg');
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((cluster) => cluster.stop()));
  });

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function start(options: Partial<Parameters<typeof startEmbeddedPostgres>[0]> = {}): Promise<EmbeddedPostgres> {
    const cluster = await startEmbeddedPostgres({ dataDir, durability: 'ephemeral', ...options });
    running.push(cluster);
    return cluster;
  }

  it('initialises a cluster on first start, serves queries on 127.0.0.1, and stops', async () => {
    const cluster = await start();
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(cluster.connectionString).toBe(cluster.connectionString.replace(/@127\.0\.0\.1:\d+\//, `@127.0.0.1:${cluster.port}/`));
    expect(await scalar(cluster.connectionString, 'SELECT 40 + 2 AS answer')).toBe(42);
    expect(await scalar(cluster.connectionString, "SELECT current_setting('TimeZone')")).toBe('UTC');
    // PostgreSQL refuses root, so as root the server must run as another account.
    const owner = fs.statSync(path.join(dataDir, 'PG_VERSION')).uid;
    if (isRoot) expect(owner).not.toBe(0);

    await cluster.stop();
    expect(isProcessAlive(cluster.pid)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    await cluster.stop(); // a second stop is harmless
  });

  it('reuses the existing cluster on the next start (data survives a restart)', async () => {
    const first = await start();
    await scalar(first.connectionString, 'CREATE TABLE kept AS SELECT 7 AS n');
    await first.stop();
    const pgVersionBefore = fs.statSync(path.join(dataDir, 'PG_VERSION')).mtimeMs;

    const second = await start();
    expect(await scalar(second.connectionString, 'SELECT n FROM kept')).toBe(7);
    expect(fs.statSync(path.join(dataDir, 'PG_VERSION')).mtimeMs).toBe(pgVersionBefore);
  });

  it('is found by findRunningCluster while running, and not after stop', async () => {
    expect(findRunningCluster(dataDir)).toBeNull();
    const cluster = await start();
    expect(findRunningCluster(dataDir)).toEqual({ connectionString: cluster.connectionString, port: cluster.port, pid: cluster.pid });
    await cluster.stop();
    expect(findRunningCluster(dataDir)).toBeNull();
  });

  it('recovers from a server orphaned by kill -9 of its Node parent', async () => {
    // `node --import tsx` rather than the tsx CLI: one process, so SIGKILL really kills the parent.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures/start-cluster-and-wait.ts'), dataDir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
      });
      child.once('exit', (code) => reject(new Error(`fixture exited (${String(code)}): ${stderr}`)));
    });
    const orphan = JSON.parse(line) as { pid: number; port: number };
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // The detached server outlives its parent: that is the situation to recover from.
    expect(isProcessAlive(orphan.pid)).toBe(true);

    const cluster = await start();
    expect(isProcessAlive(orphan.pid)).toBe(false);
    expect(cluster.pid).not.toBe(orphan.pid);
    expect(await scalar(cluster.connectionString, 'SELECT 1')).toBe(1);
  });

  it('removes a stale postmaster.pid whose process is gone', async () => {
    const first = await start();
    await first.stop();
    // A pid that belongs to no server of this cluster (our own process is alive but is not it).
    fs.writeFileSync(path.join(dataDir, 'postmaster.pid'), `${process.pid}\n${dataDir}\n0\n5432\n\n127.0.0.1\n0 0\nready   \n`);
    const cluster = await start();
    expect(await scalar(cluster.connectionString, 'SELECT 1')).toBe(1);
  });

  it('picks a free port when the requested one is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const cluster = await start({ port: taken });
      expect(cluster.port).not.toBe(taken);
      expect(await scalar(cluster.connectionString, 'SELECT 1')).toBe(1);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('uses the requested port when it is free', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const cluster = await start({ port });
    expect(cluster.port).toBe(port);
  });

  it('refuses, with a clear message, a cluster that another live process is running', async () => {
    const cluster = await start();
    // Pretend another live process owns it: our parent (jest) is alive and is not us.
    fs.writeFileSync(path.join(cluster.dataDir, 'tessera-owner.pid'), String(process.ppid));
    await expect(startEmbeddedPostgres({ dataDir, durability: 'ephemeral' })).rejects.toThrow(/already running \(pid \d+, port \d+/);
    expect(await scalar(cluster.connectionString, 'SELECT 1')).toBe(1);
  });

  it('as root, runs a reachable copy when the binaries sit in a folder the server account cannot traverse', async () => {
    const nativeDir = findEmbeddedNativeDir();
    expect(nativeDir).not.toBeNull();
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-closed-checkout-'));
    try {
      fs.chmodSync(closed, 0o700);
      const hidden = path.join(closed, 'node_modules', 'native');
      fs.cpSync(nativeDir ?? '', hidden, { recursive: true, verbatimSymlinks: true });
      const cluster = await start({ nativeDir: hidden });
      // Not as root: the server runs as the current user, who can traverse its own 0700 folder.
      expect(cluster.binarySource).toBe(isRoot ? 'copy of embedded-postgres' : 'embedded-postgres');
      expect(await scalar(cluster.connectionString, 'SELECT 1')).toBe(1);
      await cluster.stop();
      // The copy is keyed by the source path, which is unique to this test: remove it (60 MB).
      if (cluster.binarySource === 'copy of embedded-postgres')
        fs.rmSync(path.resolve(cluster.binDir, '../..'), { recursive: true, force: true });
    } finally {
      fs.rmSync(closed, { recursive: true, force: true });
    }
  });

  it('as root, keeps a cluster requested inside a folder the server account cannot traverse under /var/lib/tessera, symlinked', async () => {
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-closed-home-'));
    fs.chmodSync(closed, 0o700);
    const requested = path.join(closed, '.tessera', 'pg');
    let cluster: EmbeddedPostgres | null = null;
    try {
      cluster = await start({ dataDir: requested });
      expect(await scalar(cluster.connectionString, 'SELECT 1')).toBe(1);
      if (isRoot) {
        expect(cluster.dataDir).toMatch(/^\/var\/lib\/tessera\/pg-[0-9a-f]{16}$/);
        expect(fs.lstatSync(requested).isSymbolicLink()).toBe(true);
        expect(fs.realpathSync(requested)).toBe(cluster.dataDir);
      } else {
        // The current user can traverse its own folder: nothing to relocate.
        expect(cluster.dataDir).toBe(requested);
      }
      // Found again through the requested path.
      expect(findRunningCluster(requested)?.pid).toBe(cluster.pid);
    } finally {
      await cluster?.stop();
      if (cluster && cluster.dataDir !== requested) fs.rmSync(cluster.dataDir, { recursive: true, force: true });
      fs.rmSync(closed, { recursive: true, force: true });
    }
  });
});
