// The secret format of the contract: prefix + 30 random base62 characters + 6 base62 characters
// of the CRC-32 of those 30. Pure functions, so scanners and the API agree byte for byte.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export type SecretKind = 'personal_access_token' | 'service_account';

export const SECRET_PREFIXES: Readonly<Record<SecretKind, string>> = {
  personal_access_token: 'tspat_',
  service_account: 'tssvc_',
};

export const RANDOM_PART_LENGTH = 30;
export const CHECKSUM_LENGTH = 6;
const PREFIX_LENGTH = 6;
export const SECRET_LENGTH = PREFIX_LENGTH + RANDOM_PART_LENGTH + CHECKSUM_LENGTH;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, reflected, as zlib computes it) of an ASCII string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Writes a non-negative integer as base62, most significant digit first, left-padded with 0. */
export function toBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62_ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

export function checksumOf(randomPart: string): string {
  return toBase62(crc32(randomPart), CHECKSUM_LENGTH);
}

// 248 = 4 × 62: bytes at or above it are discarded so every character is equally likely.
const UNBIASED_LIMIT = 248;

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_LIMIT) out += BASE62_ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateSecret(kind: SecretKind): string {
  const randomPart = randomBase62(RANDOM_PART_LENGTH);
  return SECRET_PREFIXES[kind] + randomPart + checksumOf(randomPart);
}

const SECRET_SHAPE = /^ts(pat|svc)_([0-9A-Za-z]{30})([0-9A-Za-z]{6})$/;

/**
 * The offline check: prefix, length, alphabet and checksum. Returns the kind, or null for
 * anything that cannot be a Tessera secret (so callers never query the database for it).
 */
export function checkSecretFormat(secret: string): SecretKind | null {
  if (secret.length !== SECRET_LENGTH) return null;
  const match = SECRET_SHAPE.exec(secret);
  if (!match) return null;
  const [, kind, randomPart, checksum] = match as unknown as [string, string, string, string];
  if (checksumOf(randomPart) !== checksum) return null;
  return kind === 'pat' ? 'personal_access_token' : 'service_account';
}

/** Safe to show and log: the prefix, an ellipsis and the last 4 characters. */
export function tokenHint(secret: string): string {
  return `${secret.slice(0, PREFIX_LENGTH)}…${secret.slice(-4)}`;
}

/** What the database stores instead of the secret: HMAC-SHA-256 under the server key. */
export function hashSecret(serverKey: Buffer, secret: string): Buffer {
  return createHmac('sha256', serverKey).update(secret, 'utf8').digest();
}

export function hashesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const SECRET_LIKE = /ts(?:pat|svc)_[0-9A-Za-z]+/g;

/** Replaces anything shaped like a Tessera secret, for text that will be logged or echoed. */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_LIKE, (match) => `${match.slice(0, 6)}[redacted]`);
}
