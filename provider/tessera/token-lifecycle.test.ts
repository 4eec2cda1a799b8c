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

  it('describes a time relative to now', () => {
    expect(describeFromNow('2026-12-01T12:00:00Z', now)).toBe('in 3 days');
    expect(describeFromNow('2026-11-28T10:00:00Z', now)).toBe('2 hours ago');
  });
});
