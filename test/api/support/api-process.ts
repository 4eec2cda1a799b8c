// A Tessera API in its own OS process, for the cross-process propagation test. Configured by
// environment, prints {"url": …} on one stdout line when listening, and exits when its stdin
// closes (so it cannot outlive the test that started it) or on SIGTERM.
import { createTessera } from '../../../api/app';
import { createLogger } from '../../../api/logger';

async function main(): Promise<void> {
  const databaseUrl = process.env['TESSERA_CHILD_DATABASE_URL'];
  const key = process.env['TESSERA_CHILD_SERVER_KEY'];
  if (!databaseUrl || !key) throw new Error('TESSERA_CHILD_DATABASE_URL and TESSERA_CHILD_SERVER_KEY are required');
  const tessera = await createTessera({
    databaseUrl,
    serverKey: Buffer.from(key, 'hex'),
    logger: createLogger({ level: 'warn', destination: process.stderr }),
  });
  const { url } = await tessera.listen(0, '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ url, pid: process.pid })}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void tessera.close().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`api-process failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
