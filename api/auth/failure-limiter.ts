// Counts failures per key (a client address, or a sign-in email) in a sliding window. Callers ask
// it only about requests that have already failed, and answer those 429 instead of 401 while the
// key is over the limit: a misconfigured client is told to back off, and a valid token from the
// same address (a NAT or proxy shared by many people) is still answered. The 200/429 difference
// this leaves answers nothing useful: a secret has about 178 random bits (docs/security.md).
export interface FailureLimiterOptions {
  maxFailures: number;
  windowMs: number;
  maxAddresses?: number;
  now?: () => number;
}

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: FailureLimiterOptions) {
    this.now = options.now ?? (() => Date.now());
  }

  /**
   * Seconds to wait if the key is over the limit, else 0. `pending` counts attempts still being
   * checked as failures, so concurrent attempts cannot all pass a check made before any of them
   * is recorded; while only those fill the window, the wait is 1 s.
   */
  retryAfterSeconds(address: string, pending = 0): number {
    const times = this.failures.get(address) ?? [];
    if (times.length + pending < this.options.maxFailures) return 0;
    const now = this.now();
    this.prune(times, now);
    if (times.length + pending < this.options.maxFailures) return 0;
    if (times.length < this.options.maxFailures) return 1;
    const freeAt = (times[times.length - this.options.maxFailures] as number) + this.options.windowMs;
    return Math.max(1, Math.ceil((freeAt - now) / 1000));
  }

  recordFailure(address: string): void {
    const now = this.now();
    let times = this.failures.get(address);
    if (!times) {
      if (this.failures.size >= (this.options.maxAddresses ?? 100_000)) {
        const oldest = this.failures.keys().next();
        if (!oldest.done) this.failures.delete(oldest.value);
      }
      times = [];
      this.failures.set(address, times);
    }
    this.prune(times, now);
    times.push(now);
    // Only the most recent maxFailures timestamps matter for the decision.
    if (times.length > this.options.maxFailures) times.splice(0, times.length - this.options.maxFailures);
  }

  private prune(times: number[], now: number): void {
    while (times.length > 0 && (times[0] as number) <= now - this.options.windowMs) times.shift();
  }
}
