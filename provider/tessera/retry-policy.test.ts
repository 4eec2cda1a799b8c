import { defaultRetryPolicy, isRetryableStatus, parseRetryAfter, retryDelayMs } from './retry-policy';

describe('retry policy', () => {
  it('retries only "try again later" statuses', () => {
    expect([429, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 404, 409, 422, 500].some(isRetryableStatus)).toBe(false);
  });

  it('parses Retry-After as seconds or as an HTTP-date', () => {
    const now = Date.parse('2026-11-28T06:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 06:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 05:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('grows exponentially, stays under the cap and never undercuts Retry-After', () => {
    const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelayMs(policy, 0, undefined, () => 1)).toBe(100);
    expect(retryDelayMs(policy, 0, undefined, () => 0)).toBe(50);
    expect(retryDelayMs(policy, 3, undefined, () => 1)).toBe(800);
    expect(retryDelayMs(policy, 10, undefined, () => 1)).toBe(1000);
    expect(retryDelayMs(policy, 0, 2000, () => 0)).toBe(2000);
    expect(retryDelayMs(policy, 0, 2000, () => 1)).toBe(2100);
  });
});
