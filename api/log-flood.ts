// Rate-limits identical log lines: when the database goes away under load, thousands of requests
// fail the same way within a second. The first occurrence of a kind is logged in full; further
// ones within the interval are only counted, and one summary line per interval says how many.
import type pino from 'pino';

type Level = 'warn' | 'error';

const MAX_KINDS = 100;
const OTHER_KINDS = '(other kinds)';

interface Pending {
  level: Level;
  fields: Record<string, unknown>;
  message: string;
  suppressed: number;
}

export class LogFloodGate {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logger: pino.Logger,
    private readonly intervalMs = 10_000,
  ) {}

  /**
   * Logs the line if its kind (`key`) was not logged in this interval; otherwise counts it.
   * `once` holds what belongs to this occurrence only (a request id); the summary leaves it out.
   */
  log(level: Level, key: string, fields: Record<string, unknown>, message: string, once: Record<string, unknown> = {}): void {
    // Kinds are bounded: past the cap, new kinds share one count, so a client varying a value
    // that reaches the message cannot grow this map or the log.
    if (!this.pending.has(key) && this.pending.size >= MAX_KINDS) key = OTHER_KINDS;
    const seen = this.pending.get(key);
    if (seen) {
      seen.suppressed += 1;
      return;
    }
    this.pending.set(key, { level, fields, message, suppressed: 0 });
    this.logger[level]({ ...fields, ...once }, message);
    if (this.timer === null) {
      this.timer = setInterval(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Writes one summary line per kind that was suppressed, and starts a new interval. */
  flush(): void {
    for (const [key, entry] of this.pending) {
      if (entry.suppressed > 0 && key === OTHER_KINDS) {
        this.logger[entry.level]({ suppressed: entry.suppressed }, `${entry.suppressed} more failures of other kinds`);
      } else if (entry.suppressed > 0) {
        this.logger[entry.level](
          { ...entry.fields, suppressed: entry.suppressed },
          `${entry.message} (${entry.suppressed} more like this)`,
        );
      }
      this.pending.delete(key);
    }
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
