// Time rules of a managed token: when it is due for rotation, when it deserves an expiry
// warning, and why it vanished. Pure functions of (timestamps, now) so tests can pin `now`.

const DAY_MS = 24 * 60 * 60 * 1000;

/** A plan warns about a token that expires within this many days and is not being replaced. */
export const EXPIRY_WARNING_DAYS = 7;

export function parseTimestamp(value: string): number | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `now ≥ expires_at − rotate_before_days`: the plan should replace the token. */
export function rotationDue(expiresAt: string, rotateBeforeDays: number | null, now: number): boolean {
  if (rotateBeforeDays === null) return false;
  const expires = parseTimestamp(expiresAt);
  if (expires === undefined) return false;
  return now >= expires - rotateBeforeDays * DAY_MS;
}

/** The token expires within the warning window (or already has). */
export function expiresSoon(expiresAt: string, now: number): boolean {
  const expires = parseTimestamp(expiresAt);
  return expires !== undefined && expires - now <= EXPIRY_WARNING_DAYS * DAY_MS;
}

/**
 * Why a token the API no longer returns is gone: its `expires_at` has passed, or somebody
 * revoked it (anyone, or a run whose result was not saved). The API answers 404 for both and
 * never says which.
 */
export function vanishedBecause(expiresAt: string | null, now: number): 'expired' | 'revoked' {
  const expires = expiresAt === null ? undefined : parseTimestamp(expiresAt);
  return expires !== undefined && expires <= now ? 'expired' : 'revoked';
}

/**
 * "in 4 days, 23 hours", "in 5 hours, 12 minutes", "in 3 days", "2 hours ago": the two largest
 * units, each rounded down, so the phrase never promises more time than is left and never
 * hides most of a day ("4 days" for 4 days and 23 hours read as about 4).
 */
export function describeFromNow(timestamp: string, now: number): string {
  const at = parseTimestamp(timestamp);
  if (at === undefined) return timestamp;
  const delta = at - now;
  const phrase = describeDuration(Math.abs(delta));
  return delta >= 0 ? `in ${phrase}` : `${phrase} ago`;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

function describeDuration(ms: number): string {
  const unit = (value: number, name: string): string => `${value} ${name}${value === 1 ? '' : 's'}`;
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((ms % HOUR_MS) / MINUTE_MS);
  if (days > 0) return hours > 0 ? `${unit(days, 'day')}, ${unit(hours, 'hour')}` : unit(days, 'day');
  if (hours > 0) return minutes > 0 ? `${unit(hours, 'hour')}, ${unit(minutes, 'minute')}` : unit(hours, 'hour');
  return unit(Math.max(1, minutes), 'minute');
}
