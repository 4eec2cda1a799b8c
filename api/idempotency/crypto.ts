// The retained copy of a create response (which contains the secret) is encrypted with
// AES-256-GCM under a key derived by HKDF from the idempotency key and the server key: without
// the idempotency key, which only the client holds, the stored ciphertext is useless.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

function deriveKey(serverKey: Buffer, scope: string, idempotencyKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(idempotencyKey, 'utf8'), serverKey, `tessera/idempotency/v1\0${scope}`, 32));
}

/** The database key for a record: never the idempotency key itself. */
export function recordKey(serverKey: Buffer, scope: string, idempotencyKey: string): Buffer {
  return createHmac('sha256', serverKey).update(`idempotency\0${scope}\0${idempotencyKey}`, 'utf8').digest();
}

/** A fingerprint of the request body, independent of key order and whitespace. */
export function requestFingerprint(body: unknown): Buffer {
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest();
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function sealResponse(serverKey: Buffer, scope: string, idempotencyKey: string, plaintext: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(serverKey, scope, idempotencyKey), iv);
  cipher.setAAD(Buffer.from(scope, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function openResponse(serverKey: Buffer, scope: string, idempotencyKey: string, sealed: Buffer): string {
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(serverKey, scope, idempotencyKey), iv);
  decipher.setAAD(Buffer.from(scope, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}
