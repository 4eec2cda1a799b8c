// Stops the run's test cluster and deletes its folder (see global-setup.ts).
import * as fs from 'node:fs';
import { TEST_PG_URL_ENV, takeState } from './test-cluster';

export default async function globalTeardown(): Promise<void> {
  const state = takeState();
  if (state === undefined) return;
  try {
    await state.cluster.stop();
  } finally {
    fs.rmSync(state.root, { recursive: true, force: true });
    delete process.env[TEST_PG_URL_ENV];
  }
}
