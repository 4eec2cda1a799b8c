// The in-memory parts of authentication, with controlled time: the failure limiter's window and
// the cache's invalidation scopes.
import { AuthCache, decodeInvalidation, encodeInvalidation, type StoredCredential } from '../../api/auth/cache';
import { FailureLimiter } from '../../api/auth/failure-limiter';
import { presentedSecret } from '../../api/auth/authenticator';

describe('FailureLimiter', () => {
  it('blocks an address after the limit within the window and frees it as failures age out', () => {
    let now = 0;
    const limiter = new FailureLimiter({ maxFailures: 3, windowMs: 10_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterSeconds('a')).toBe(0);
      limiter.recordFailure('a');
      now += 1_000;
    }
    // Failures at 0, 1 and 2 s; now 3 s: blocked until the first ages out at 10 s.
    expect(limiter.retryAfterSeconds('a')).toBe(7);
    expect(limiter.retryAfterSeconds('b')).toBe(0);
    now = 10_000;
    expect(limiter.retryAfterSeconds('a')).toBe(0);
  });
});

describe('AuthCache invalidation', () => {
  const credential = (tokenId: string, userId: string | null, serviceAccountId: string | null) =>
    ({ tokenId, userId, serviceAccountId }) as StoredCredential;

  it('drops exactly the entries a message names', () => {
    const cache = new AuthCache({ maxAgeMs: 900 });
    cache.setEnabled(true);
    const fill = () => {
      cache.set('t1', credential('t1', 'u1', null), cache.generation);
      cache.set('t2', credential('t2', 'u1', null), cache.generation);
      cache.set('t3', credential('t3', 'u2', null), cache.generation);
      cache.set('s1', credential('s1', null, 'sa1'), cache.generation);
    };
    fill();
    cache.apply({ scope: 'token', id: 't1' });
    expect([cache.get('t1'), cache.get('t2')?.tokenId]).toEqual([undefined, 't2']);
    cache.apply({ scope: 'user', id: 'u1' });
    expect([cache.get('t2'), cache.get('t3')?.tokenId]).toEqual([undefined, 't3']);
    cache.apply({ scope: 'service_account', id: 'sa1' });
    expect(cache.get('s1')).toBeUndefined();
    fill();
    cache.apply({ scope: 'all' });
    expect(cache.size).toBe(0);
  });

  it('stores nothing while disabled (no LISTEN connection)', () => {
    const cache = new AuthCache({ maxAgeMs: 900 });
    cache.set('t1', credential('t1', 'u1', null), cache.generation);
    expect(cache.get('t1')).toBeUndefined();
  });

  it('round-trips messages and treats anything unknown as "flush everything"', () => {
    const id = '0b7c2a56-0d5e-4a43-9a41-5b2f8f1e9c11';
    expect(decodeInvalidation(encodeInvalidation({ scope: 'user', id }))).toEqual({ scope: 'user', id });
    expect(decodeInvalidation('garbage')).toEqual({ scope: 'all' });
    expect(decodeInvalidation(undefined)).toEqual({ scope: 'all' });
  });
});

describe('presentedSecret', () => {
  it('reads Bearer and API-Token, and treats a malformed Authorization as presented but invalid', () => {
    expect(presentedSecret({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedSecret({ authorization: 'bearer   abc ' })).toBe('abc');
    expect(presentedSecret({ 'api-token': ' abc ' })).toBe('abc');
    expect(presentedSecret({ authorization: 'Basic Zm9vOmJhcg==' })).toBe('');
    expect(presentedSecret({})).toBeUndefined();
  });

  it('treats empty or whitespace-only headers as absent and refuses two different secrets', () => {
    expect(presentedSecret({ authorization: '', 'api-token': 'abc' })).toBe('abc');
    expect(presentedSecret({ authorization: ' \t', 'api-token': 'abc' })).toBe('abc');
    expect(presentedSecret({ authorization: 'Bearer abc', 'api-token': '  ' })).toBe('abc');
    expect(presentedSecret({ authorization: '', 'api-token': '' })).toBeUndefined();
    expect(presentedSecret({ authorization: 'Bearer abc', 'api-token': 'abc' })).toBe('abc');
    expect(presentedSecret({ authorization: 'Bearer abc', 'api-token': 'xyz' })).toBe('');
  });
});
