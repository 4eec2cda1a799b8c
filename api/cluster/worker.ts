// One API worker of `TESSERA_WORKERS=N`: it waits for the primary to hand over the database
// (already migrated) and the server key, serves on the shared port with its own pool, auth cache
// and LISTEN connection, and stops gracefully on SIGTERM/SIGINT, on the primary's request, or
// when the primary is gone (the IPC channel closed), so no worker outlives it.
import type pino from 'pino';
import { isMessage, type ListeningMessage, type ReadyMessage, type StartMessage, type StopMessage } from './messages';

export interface RunningWorker {
  url: string;
  close(): Promise<void>;
}

/** `start` builds and starts the API instance; it runs once, when the primary's start message arrives. */
export function runWorker(logger: pino.Logger, start: (databaseUrl: string, serverKey: Buffer) => Promise<RunningWorker>): void {
  let running: RunningWorker | null = null;
  let stopping = false;

  const stop = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'worker shutting down');
    let code = 0;
    try {
      await running?.close();
      logger.info('worker stopped');
    } catch (error) {
      logger.error({ err: error instanceof Error ? error.message : String(error) }, 'error while stopping the worker');
      code = 1;
    }
    process.exit(code);
  };

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal));
  process.on('disconnect', () => void stop('the primary process is gone'));
  process.on('message', (message: unknown) => {
    if (isMessage<StopMessage>(message, 'tessera:stop')) {
      void stop('asked by the primary');
      return;
    }
    if (!isMessage<StartMessage>(message, 'tessera:start') || running !== null) return;
    start(message.databaseUrl, Buffer.from(message.serverKey, 'hex'))
      .then((worker) => {
        running = worker;
        if (stopping) return void worker.close();
        // Logged before telling the primary, so this line precedes the primary's "listening" one.
        logger.info({ pid: process.pid }, 'worker listening');
        const listening: ListeningMessage = { type: 'tessera:listening', url: worker.url };
        process.send?.(listening);
      })
      .catch((error: unknown) => {
        logger.fatal({ err: error instanceof Error ? error.message : String(error) }, 'worker could not start');
        process.exit(1);
      });
  });
  const ready: ReadyMessage = { type: 'tessera:ready' };
  process.send?.(ready);
}
