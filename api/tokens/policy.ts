// The personal access token policy (contract: 1..30 days unless the operator lowers the maximum).
export const PAT_MIN_DAYS = 1;
export const DEFAULT_PAT_MAX_DAYS = 30;

/** Service accounts may live longer than people's tokens, but not forever by accident. */
export const SERVICE_ACCOUNT_MAX_DAYS = 3650;

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface TokenPolicy {
  personal_access_token: { min_expiration_days: number; max_expiration_days: number };
}

export function tokenPolicy(patMaxDays: number): TokenPolicy {
  return { personal_access_token: { min_expiration_days: PAT_MIN_DAYS, max_expiration_days: patMaxDays } };
}

/** expires_at is exactly created_at + days × 24 h (no calendar or DST arithmetic). */
export function expiryFor(createdAt: Date, days: number): Date {
  return new Date(createdAt.getTime() + days * DAY_MS);
}
