// The secret format, checked against an independent CRC-32 (zlib's) and a published vector.
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import {
  BASE62_ALPHABET,
  checkSecretFormat,
  checksumOf,
  crc32,
  generateSecret,
  hashSecret,
  tokenHint,
  toBase62,
} from '../../api/tokens/secret';

// Independent base62: BigInt arithmetic, not the implementation's loop.
function base62Of(value: number, width: number): string {
  let n = BigInt(value);
  let out = '';
  while (n > 0n) {
    out = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(width, '0');
}

describe('secret format', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
  });

  it('agrees with zlib.crc32 on random base62 strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...BASE62_ALPHABET.split('')), minLength: 30, maxLength: 30 }), (s) => {
        expect(crc32(s)).toBe(zlibCrc32(s));
      }),
    );
  });

  it('writes the checksum as 6 base62 digits, most significant first, zero padded', () => {
    expect(toBase62(0, 6)).toBe('000000');
    expect(toBase62(61, 6)).toBe('00000z');
    expect(toBase62(62, 6)).toBe('000010');
    expect(toBase62(0xffffffff, 6)).toBe(base62Of(0xffffffff, 6));
    // A known vector computed independently: CRC-32 of the 30 characters as zlib computes it.
    const randomPart = 'abcdefghijABCDEFGHIJ0123456789';
    expect(checksumOf(randomPart)).toBe(base62Of(zlibCrc32(randomPart), 6));
    expect(checkSecretFormat(`tspat_${randomPart}${base62Of(zlibCrc32(randomPart), 6)}`)).toBe('personal_access_token');
  });

  it('generates secrets of the contract shape whose checksum verifies', () => {
    for (let i = 0; i < 200; i++) {
      const pat = generateSecret('personal_access_token');
      const svc = generateSecret('service_account');
      expect(pat).toMatch(/^tspat_[0-9A-Za-z]{36}$/);
      expect(svc).toMatch(/^tssvc_[0-9A-Za-z]{36}$/);
      expect(pat.slice(36)).toBe(base62Of(zlibCrc32(pat.slice(6, 36)), 6));
      expect(checkSecretFormat(pat)).toBe('personal_access_token');
      expect(checkSecretFormat(svc)).toBe('service_account');
    }
  });

  it('uses every base62 character with roughly equal frequency', () => {
    const counts = new Map<string, number>();
    const samples = 4000;
    for (let i = 0; i < samples; i++) {
      for (const ch of generateSecret('personal_access_token').slice(6, 36)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    const expected = (samples * 30) / 62;
    // Chi-square with 61 degrees of freedom: the 99.99th percentile is about 116.
    let chi = 0;
    for (const ch of BASE62_ALPHABET) chi += ((counts.get(ch) ?? 0) - expected) ** 2 / expected;
    expect(chi).toBeLessThan(116);
  });

  it('refuses bad prefixes, lengths, alphabets and checksums', () => {
    const good = generateSecret('personal_access_token');
    const flipped = good.slice(0, 10) + (good[10] === 'a' ? 'b' : 'a') + good.slice(11);
    expect(checkSecretFormat(flipped)).toBeNull();
    expect(checkSecretFormat(good.replace('tspat_', 'tsxyz_'))).toBeNull();
    expect(checkSecretFormat(good.slice(0, -1))).toBeNull();
    expect(checkSecretFormat(`${good}0`)).toBeNull();
    expect(checkSecretFormat(`${good.slice(0, 20)}-${good.slice(21)}`)).toBeNull();
    expect(checkSecretFormat('')).toBeNull();
    expect(checkSecretFormat(`ghp_${good.slice(6)}`)).toBeNull();
  });

  it('shows only the prefix and the last four characters in the hint', () => {
    const secret = generateSecret('personal_access_token');
    expect(tokenHint(secret)).toBe(`tspat_…${secret.slice(-4)}`);
  });

  it('stores an HMAC that depends on the server key', () => {
    const secret = generateSecret('personal_access_token');
    const a = hashSecret(Buffer.alloc(32, 1), secret);
    const b = hashSecret(Buffer.alloc(32, 2), secret);
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain(secret);
  });
});
