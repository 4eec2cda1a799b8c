// A PostgreSQL cluster of a test's own, for tests that kill it: the shared test cluster (see
// test/support/global-setup.ts) serves every other test file and must never go down. Durable
// settings (fsync, synchronous commits), as in production, because what is measured is what a
// crash keeps. Started like every embedded cluster (api/db/embedded-postgres.ts), from the test
// template when one exists.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../api/db/embedded-postgres';
import { isProcessAlive } from '../../../api/db/embedded-postgres-os';
import { TEMPLATE_DIR_NAME, testClusterLogger } from '../../support/test-cluster';

export interface OwnPostgres {
  /** URL of the `tessera` database in it. */
  readonly databaseUrl: string;
  readonly port: number;
  /** The postmaster's pid (changes with every start). */
  readonly pid: number;
  /** kill -9 of the postmaster; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same data directory and port (retries while the old backends exit). */
  start(): Promise<void>;
  /** Stops the server and deletes its data directory. */
  remove(): Promise<void>;
}

const DATABASE = 'tessera';

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-fault-pg-'));
  // The server runs as "postgres" when we are root; it must traverse the folder.
  fs.chmodSync(root, 0o755);
  const dataDir = path.join(root, 'data');
  const options = {
    dataDir,
    durability: 'durable' as const,
    logger: testClusterLogger,
    templateDir: path.join(os.tmpdir(), TEMPLATE_DIR_NAME),
  };
  let cluster: EmbeddedPostgres = await startEmbeddedPostgres(options);
  const port = cluster.port;
  const admin = new Client({ connectionString: cluster.connectionString });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const url = new URL(cluster.connectionString);
  url.pathname = `/${DATABASE}`;

  return {
    databaseUrl: url.toString(),
    port,
    get pid() {
      return cluster.pid;
    },
    async kill() {
      const pid = cluster.pid;
      process.kill(pid, 'SIGKILL');
      // stop() sees the exit (it sends nothing to a process that is gone) and clears our marker.
      await cluster.stop();
      while (isProcessAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    async start() {
      const deadline = Date.now() + 20_000;
      for (;;) {
        try {
          const next = await startEmbeddedPostgres({ ...options, port });
          if (next.port !== port) {
            await next.stop();
            throw new Error(`PostgreSQL came back on port ${next.port}, not ${port}`);
          }
          cluster = next;
          return;
        } catch (error) {
          // Backends of the killed postmaster hold its shared memory until they notice and exit.
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    },
    async remove() {
      try {
        await cluster.stop();
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
