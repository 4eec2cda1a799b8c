import { describeFromNow, expiresSoon, rotationDue, vanishedBecause } from './token-lifecycle';

const now = Date.parse('2026-11-28T12:00:00Z');

describe('token lifecycle', () => {
  it('is due for rotation once now ≥ expires_at − rotate_before_days', () => {
    expect(rotationDue('2026-12-01T12:00:00Z', 3, now)).toBe(true);
    expect(rotationDue('2026-12-01T12:00:01Z', 3, now)).toBe(false);
    expect(rotationDue('2026-12-01T12:00:00Z', null, now)).toBe(false);
    expect(rotationDue('2026-11-28T12:00:00Z', 0, now)).toBe(true);
  });

  it('warns within 7 days of expiry', () => {
    expect(expiresSoon('2026-12-05T12:00:00Z', now)).toBe(true);
    expect(expiresSoon('2026-12-05T12:00:01Z', now)).toBe(false);
  });

  it('tells expired from revoked by expires_at', () => {
    expect(vanishedBecause('2026-11-28T11:59:59Z', now)).toBe('expired');
    expect(vanishedBecause('2026-11-29T00:00:00Z', now)).toBe('revoked');
    expect(vanishedBecause(null, now)).toBe('revoked');
  });

  it('describes a time relative to now in the two largest units, rounded down', () => {
    expect(describeFromNow('2026-12-01T12:00:00Z', now)).toBe('in 3 days');
    expect(describeFromNow('2026-11-28T10:00:00Z', now)).toBe('2 hours ago');
    // 4 days, 23 hours and 59 minutes: not "in 4 days", not rounded up to a promise of 5.
    expect(describeFromNow('2026-12-03T11:59:00Z', now)).toBe('in 4 days, 23 hours');
    expect(describeFromNow('2026-12-03T11:00:00Z', now)).toBe('in 4 days, 23 hours');
    expect(describeFromNow('2026-12-03T10:59:59Z', now)).toBe('in 4 days, 22 hours');
    expect(describeFromNow('2026-11-29T13:00:00Z', now)).toBe('in 1 day, 1 hour');
    expect(describeFromNow('2026-11-28T17:12:30Z', now)).toBe('in 5 hours, 12 minutes');
    expect(describeFromNow('2026-11-28T13:00:00Z', now)).toBe('in 1 hour');
    expect(describeFromNow('2026-11-28T12:00:20Z', now)).toBe('in 1 minute');
    expect(describeFromNow('2026-11-26T09:00:00Z', now)).toBe('2 days, 3 hours ago');
  });
});
