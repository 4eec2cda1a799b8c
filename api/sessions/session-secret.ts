// The session cookie carries 256 random bits; the database keeps only their SHA-256, so a read of
// the sessions table yields nothing that signs anyone in. A plain hash is enough (no server key):
// unlike a password, 256 random bits cannot be guessed from their hash.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_BYTES = 32;
// base64url of 32 bytes, no padding.
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newSessionSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

export function newCsrfToken(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** Shape check before any database work: anything else cannot be one of ours. */
export function isWellFormedSessionSecret(value: string): boolean {
  return SECRET_PATTERN.test(value);
}

export function hashSessionSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant-time comparison of two strings of any length. */
export function sameSecret(presented: string, expected: string): boolean {
  // Hashing first gives equal-length inputs, so the length of `expected` does not leak either.
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
