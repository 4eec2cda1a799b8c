// Failed authentications are audited asynchronously, in batches: the request that failed never
// waits for (or touches) the database, and a burst of bad tokens costs one INSERT per batch.
import type { Knex } from 'knex';
import type pino from 'pino';
import { insertAuditEvents, type AuditEventInput } from './repository';

export class AuditBuffer {
  private queue: AuditEventInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Knex,
    private readonly logger: pino.Logger,
    private readonly flushDelayMs = 250,
    private readonly maxQueued = 10_000,
  ) {}

  push(event: AuditEventInput): void {
    if (this.queue.length >= this.maxQueued) {
      this.logger.warn({ action: event.action }, 'audit buffer full; dropping event');
      return;
    }
    this.queue.push(event);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.flushDelayMs);
    }
  }

  /** Writes everything queued so far; resolves when it is in the database. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await insertAuditEvents(this.db, batch);
      } catch (error) {
        this.logger.error(
          { err: error instanceof Error ? error.message : String(error), count: batch.length },
          'could not write audit events',
        );
      }
    });
    return this.flushing;
  }
}
