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
 * revoked it outside Terraform. The API answers 404 for both and never says which.
 */
export function vanishedBecause(expiresAt: string | null, now: number): 'expired' | 'revoked' {
  const expires = expiresAt === null ? undefined : parseTimestamp(expiresAt);
  return expires !== undefined && expires <= now ? 'expired' : 'revoked';
}

/** "in 3 days", "in 5 hours", "2 days ago": for warnings a human reads at a glance. */
export function describeFromNow(timestamp: string, now: number): string {
  const at = parseTimestamp(timestamp);
  if (at === undefined) return timestamp;
  const delta = at - now;
  const abs = Math.abs(delta);
  const [value, unit] =
    abs >= DAY_MS ? [Math.floor(abs / DAY_MS), 'day'] : abs >= 3_600_000 ? [Math.floor(abs / 3_600_000), 'hour'] : [Math.max(1, Math.floor(abs / 60_000)), 'minute'];
  const phrase = `${value} ${unit}${value === 1 ? '' : 's'}`;
  return delta >= 0 ? `in ${phrase}` : `${phrase} ago`;
}
