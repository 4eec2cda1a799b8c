// Shared between the jest global setup and teardown (they run in the same process): where the
// throwaway test cluster lives and how the two hand its handle over.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EmbeddedPostgres, EmbeddedPostgresLogger } from '../../api/db/embedded-postgres';

/** Workers read the cluster's superuser URL from this variable (child processes inherit env). */
export const TEST_PG_URL_ENV = 'TESSERA_TEST_PG_URL';
export const TEST_CLUSTER_PREFIX = 'tessera-test-pg-';
/** A never-started, initialised cluster that new test clusters are copied from (saves initdb). */
export const TEMPLATE_DIR_NAME = 'tessera-pg-template-for-tests';
/** Written into each test cluster's folder: the jest process that owns it. */
export const OWNER_FILE = 'jest-owner.pid';

export interface TestClusterState {
  cluster: EmbeddedPostgres;
  root: string;
}

const STATE_KEY = Symbol.for('tessera.testCluster');

export function saveState(state: TestClusterState): void {
  (globalThis as Record<symbol, unknown>)[STATE_KEY] = state;
}

export function takeState(): TestClusterState | undefined {
  const holder = globalThis as Record<symbol, unknown>;
  const state = holder[STATE_KEY] as TestClusterState | undefined;
  delete holder[STATE_KEY];
  return state;
}

export function clusterRoots(): string[] {
  const tmp = os.tmpdir();
  return fs
    .readdirSync(tmp)
    .filter((name) => name.startsWith(TEST_CLUSTER_PREFIX))
    .map((name) => path.join(tmp, name));
}

const verbose = process.env.TESSERA_TEST_PG_VERBOSE === '1';

/** Quiet unless TESSERA_TEST_PG_VERBOSE=1; warnings always reach stderr. */
export const testClusterLogger: EmbeddedPostgresLogger = {
  debug: (msg) => {
    if (verbose) process.stderr.write(`[test-pg] ${msg}\n`);
  },
  info: (msg) => {
    if (verbose) process.stderr.write(`[test-pg] ${msg}\n`);
  },
  warn: (msg) => process.stderr.write(`[test-pg] warning: ${msg}\n`),
};
