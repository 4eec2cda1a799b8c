// An API process for fuzz:provider: the same createTessera as api/main.ts, on an existing
// migrated database (DATABASE_URL, TESSERA_SERVER_KEY), with the failed-authentication limit
// raised. The fuzzer's hostile provider configurations send thousands of bad tokens from
// 127.0.0.1; with the default limit (20 a minute) the API would answer everything from that
// address 429 + Retry-After, valid tokens included, and the provider would wait as it should,
// which is not what the suite measures. Prints one JSON line {"url": …} when listening.
import { createTessera } from '../../api/app';
import { parseServerKey } from '../../api/config';
import { createLogger } from '../../api/logger';

async function main(): Promise<void> {
  const tessera = await createTessera({
    databaseUrl: process.env.DATABASE_URL ?? '',
    serverKey: parseServerKey(process.env.TESSERA_SERVER_KEY ?? ''),
    logger: createLogger({ level: 'warn' }),
    authFailureLimit: 1_000_000_000,
  });
  const { url } = await tessera.listen(0, '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  const stop = () => void tessera.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`fuzz API failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
