// The primary of `TESSERA_WORKERS=N`: it forks N API workers that share one port (node:cluster
// hands out connections round-robin), replaces a worker that dies (at most RESTART_LIMIT times
// within RESTART_WINDOW_MS, so a worker that crashes at once cannot spin forever), and on stop
// lets every worker drain before resolving, so the database is stopped only after them.
import cluster, { type Worker } from 'node:cluster';
import type pino from 'pino';
import { isMessage, type ListeningMessage, type ReadyMessage, type StartMessage, type StopMessage } from './messages';

export const RESTART_LIMIT = 5;
export const RESTART_WINDOW_MS = 60_000;
/** Beyond its own drain timeout, how long a worker may take to exit before it is killed. */
const EXIT_GRACE_MS = 5_000;

export interface WorkerPoolOptions {
  count: number;
  logger: pino.Logger;
  databaseUrl: string;
  serverKey: Buffer;
  /** The workers' drain timeout (TESSERA_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  /** Called once when workers die faster than they may be replaced; the caller stops. */
  onGiveUp(reason: string): void;
}

export class WorkerPool {
  private readonly workers = new Set<Worker>();
  private readonly restarts: number[] = [];
  private stopping = false;
  private gaveUp = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Forks every worker; resolves with the URL once all listen, rejects if one cannot start. */
  async start(): Promise<string> {
    const urls = await Promise.all(Array.from({ length: this.options.count }, () => this.fork()));
    return urls[0] as string;
  }

  private fork(): Promise<string> {
    const worker = cluster.fork();
    this.workers.add(worker);
    const pid = worker.process.pid;
    // A send to a worker that just died fails with EPIPE; its 'exit' is what we act on.
    worker.on('error', () => undefined);
    return new Promise<string>((resolve, reject) => {
      let listening = false;
      worker.on('message', (message: unknown) => {
        if (isMessage<ReadyMessage>(message, 'tessera:ready')) {
          const start: StartMessage = {
            type: 'tessera:start',
            databaseUrl: this.options.databaseUrl,
            serverKey: this.options.serverKey.toString('hex'),
          };
          worker.send(start);
          return;
        }
        if (!isMessage<ListeningMessage>(message, 'tessera:listening')) return;
        listening = true;
        resolve(message.url);
      });
      worker.once('exit', (code, signal) => {
        this.workers.delete(worker);
        const how = signal ?? `exit code ${String(code)}`;
        if (!listening) {
          reject(new Error(`API worker ${worker.id} (pid ${String(pid)}) exited (${how}) before listening`));
          if (!this.stopping) this.replaceOrGiveUp(worker, how);
          return;
        }
        if (this.stopping) return;
        this.replaceOrGiveUp(worker, how);
      });
    });
  }

  private replaceOrGiveUp(worker: Worker, how: string): void {
    if (this.gaveUp) return;
    const now = Date.now();
    while (this.restarts.length > 0 && (this.restarts[0] as number) <= now - RESTART_WINDOW_MS) this.restarts.shift();
    if (this.restarts.length >= RESTART_LIMIT) {
      this.gaveUp = true;
      this.options.onGiveUp(
        `API worker ${worker.id} exited (${how}) and ${RESTART_LIMIT} workers were already replaced within ${RESTART_WINDOW_MS / 1000} s`,
      );
      return;
    }
    this.restarts.push(now);
    this.options.logger.warn(
      { worker: worker.id, pid: worker.process.pid, exit: how },
      'API worker exited unexpectedly; starting a replacement',
    );
    this.fork().catch(() => undefined); // its exit is handled (and counted) like any other
  }

  /** Asks every worker to drain and waits for all to exit (killing those that overrun). */
  async stop(): Promise<void> {
    this.stopping = true;
    const deadline = this.options.shutdownTimeoutMs + EXIT_GRACE_MS;
    await Promise.all(
      [...this.workers].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const timer = setTimeout(() => {
              this.options.logger.warn({ worker: worker.id }, 'API worker did not stop in time; killing it');
              worker.process.kill('SIGKILL');
            }, deadline);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            const stop: StopMessage = { type: 'tessera:stop' };
            if (worker.isConnected()) worker.send(stop);
            else worker.process.kill('SIGTERM');
          }),
      ),
    );
    this.options.logger.info({ workers: this.options.count }, 'API workers stopped');
  }
}
