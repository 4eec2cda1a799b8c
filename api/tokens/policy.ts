// The personal access token policy (contract: 1..30 days unless the operator lowers the maximum).
import { DEFAULT_PAT_MAX_DAYS, PAT_MIN_DAYS, SERVICE_ACCOUNT_MAX_DAYS } from '../contract/limits';
import type { TokenPolicy } from '../contract/meta';

export { DEFAULT_PAT_MAX_DAYS, PAT_MIN_DAYS, SERVICE_ACCOUNT_MAX_DAYS, type TokenPolicy };

export const DAY_MS = 24 * 60 * 60 * 1000;

export function tokenPolicy(patMaxDays: number): TokenPolicy {
  return { personal_access_token: { min_expiration_days: PAT_MIN_DAYS, max_expiration_days: patMaxDays } };
}

/** expires_at is exactly created_at + days × 24 h (no calendar or DST arithmetic). */
export function expiryFor(createdAt: Date, days: number): Date {
  return new Date(createdAt.getTime() + days * DAY_MS);
}
