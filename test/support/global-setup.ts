// Starts ONE throwaway PostgreSQL cluster for the whole jest run (tests then create their own
// databases in it, see database.ts). Its URL reaches the workers through the environment, which
// they inherit because jest forks them after this runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clearStaleServer, startEmbeddedPostgres } from '../../api/db/embedded-postgres';
import { isProcessAlive } from '../../api/db/embedded-postgres-os';
import {
  OWNER_FILE,
  TEMPLATE_DIR_NAME,
  TEST_CLUSTER_PREFIX,
  TEST_PG_URL_ENV,
  clusterRoots,
  saveState,
  testClusterLogger,
} from './test-cluster';

/** Clusters of earlier runs whose jest process was killed before its teardown: stop and delete. */
async function sweepAbandonedClusters(): Promise<void> {
  for (const root of clusterRoots()) {
    const owner = Number.parseInt(readOr(path.join(root, OWNER_FILE), ''), 10);
    if (Number.isInteger(owner) && isProcessAlive(owner)) continue;
    // A folder without an owner file may be a run that is starting right now: leave young ones.
    if (!Number.isInteger(owner) && Date.now() - fs.statSync(root).mtimeMs < 10 * 60_000) continue;
    try {
      await clearStaleServer(path.join(root, 'data'), testClusterLogger);
      fs.rmSync(root, { recursive: true, force: true });
    } catch (error) {
      testClusterLogger.warn(`could not remove abandoned test cluster ${root}: ${(error as Error).message}`);
    }
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

export default async function globalSetup(): Promise<void> {
  // An operator may point the tests at a server of their own instead.
  if (process.env[TEST_PG_URL_ENV]) return;
  const began = Date.now();
  await sweepAbandonedClusters();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), TEST_CLUSTER_PREFIX));
  // mkdtemp makes it 0700; as root, the server runs as "postgres", which must traverse it.
  fs.chmodSync(root, 0o755);
  fs.writeFileSync(path.join(root, OWNER_FILE), String(process.pid));
  try {
    const cluster = await startEmbeddedPostgres({
      dataDir: path.join(root, 'data'),
      durability: 'ephemeral',
      logger: testClusterLogger,
      templateDir: path.join(os.tmpdir(), TEMPLATE_DIR_NAME),
    });
    saveState({ cluster, root });
    process.env[TEST_PG_URL_ENV] = cluster.connectionString;
    testClusterLogger.info(`test PostgreSQL ready in ${Date.now() - began} ms (${cluster.binarySource})`);
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error(`could not start the test PostgreSQL: ${(error as Error).message}`, { cause: error });
  }
}
