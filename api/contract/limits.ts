// The numbers the contract states and the implementation enforces, in one place so the
// document and the code cannot disagree. The modules that enforce them import them from here.
export const PAT_MIN_DAYS = 1;
export const DEFAULT_PAT_MAX_DAYS = 30;
/** Service accounts may live longer than people's tokens, but not forever by accident. */
export const SERVICE_ACCOUNT_MAX_DAYS = 3650;
/** How many teams one service account may be a member of (a bound on one request's work). */
export const SERVICE_ACCOUNT_MAX_TEAMS = 100;

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export const MAX_BODY_BYTES = 16 * 1024;
export const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;

export const PASSWORD_MAX_LENGTH = 1024;
export const SESSION_COOKIE = 'tessera_session';
export const SECURE_SESSION_COOKIE = '__Host-tessera_session';
export const CSRF_HEADER = 'X-CSRF-Token';
export const DEFAULT_SESSION_IDLE_MS = 30 * 60 * 1000;
export const DEFAULT_SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
