// last_used_at without a write per request: uses are remembered in memory and written in one
// batched UPDATE every few seconds (and on close). A token is reported at most once a minute.
import type { Knex } from 'knex';
import type pino from 'pino';
import { writeLastUsed } from './credential-repository';

export const LAST_USED_RESOLUTION_MS = 60_000;

export class LastUsedTracker {
  private readonly pending = new Map<string, Date>();
  private readonly lastReported = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private latestUse = 0;

  constructor(
    private readonly db: Knex,
    private readonly logger: pino.Logger,
    private readonly flushIntervalMs = 5_000,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Called on every authenticated request: two map lookups in the common case. */
  record(tokenId: string, at: Date): void {
    const last = this.lastReported.get(tokenId);
    const time = at.getTime();
    if (last !== undefined && time - last < LAST_USED_RESOLUTION_MS) return;
    if (time > this.latestUse) this.latestUse = time;
    this.lastReported.set(tokenId, time);
    this.pending.set(tokenId, at);
  }

  /** A use not yet written, so listings on this process are not behind by a flush interval. */
  pendingUse(tokenId: string): Date | undefined {
    return this.pending.get(tokenId);
  }

  flush(): Promise<void> {
    const uses = [...this.pending].map(([tokenId, at]) => ({ tokenId, at }));
    this.pending.clear();
    this.flushing = this.flushing.then(async () => {
      if (uses.length === 0) return;
      try {
        await writeLastUsed(this.db, uses);
      } catch (error) {
        this.logger.warn(
          { err: error instanceof Error ? error.message : String(error), count: uses.length },
          'could not write last_used_at',
        );
      }
    });
    // Forget old report times so the map does not grow with every token ever seen.
    const horizon = this.latestUse - 2 * LAST_USED_RESOLUTION_MS;
    for (const [id, time] of this.lastReported) if (time < horizon) this.lastReported.delete(id);
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
