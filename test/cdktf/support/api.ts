// The shared test API (test/support/api-server.ts), with its log lines kept so the tests can check
// that no secret is ever logged.
import { Writable } from 'node:stream';
import { createLogger } from '../../../api/logger';
import { startTestApi as startSharedTestApi } from '../../support/api-server';

export interface TestApi {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** A secret of the bootstrap SysAdmin user. */
  readonly adminToken: string;
  /** Every log line the API wrote. */
  readonly logs: readonly string[];
  stop(): Promise<void>;
}

export async function startTestApi(): Promise<TestApi> {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const api = await startSharedTestApi({ logger: createLogger({ level: 'info', destination }) });
  return { url: api.baseUrl, adminToken: api.adminToken, logs, stop: () => api.stop() };
}
