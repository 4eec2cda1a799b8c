// A real Tessera API on its own real PostgreSQL database (the jest run's cluster), on the system
// clock because the terraform CLI and the provider live in real time, with a SysAdmin token.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createTessera } from '../../../api/app';
import { ensureBootstrapAdmin } from '../../../api/bootstrap';
import { systemClock } from '../../../api/clock';
import { migrateLatest } from '../../../api/db/migrate';
import { createLogger } from '../../../api/logger';
import { createTestDatabase } from '../../support/database';

export interface TestApi {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** A secret of the bootstrap SysAdmin user. */
  readonly adminToken: string;
  /** Every log line the API wrote (to check that no secret is logged). */
  readonly logs: readonly string[];
  stop(): Promise<void>;
}

export async function startTestApi(): Promise<TestApi> {
  const database = await createTestDatabase();
  await migrateLatest(database.url);
  const serverKey = randomBytes(32);
  const adminToken = await ensureBootstrapAdmin({ database: database.url, serverKey, clock: systemClock });
  if (!adminToken) throw new Error('bootstrap did not create an admin token in a fresh database');
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const tessera = await createTessera({
    databaseUrl: database.url,
    serverKey,
    clock: systemClock,
    logger: createLogger({ level: 'info', destination }),
  });
  const { url } = await tessera.listen(0, '127.0.0.1');
  return {
    url,
    adminToken,
    logs,
    stop: async () => {
      await tessera.close();
      await database.drop();
    },
  };
}
