// In-process cache of verified credentials, keyed by a digest of the secret (cacheKeyOf in
// authenticator.ts), so a request with a known token costs no database round trip. Correctness rules:
// - entries live at most `maxAgeMs` (< 1 s): a missed notification cannot keep a revoked token
//   alive longer than that;
// - every invalidation bumps a generation; a lookup that started before an invalidation does not
//   store its (possibly stale) result afterwards;
// - while the LISTEN connection is down the cache is disabled (every request reads the database)
//   and it is flushed when the connection comes back.
// Expiry and revocation flags are evaluated on every hit by the authenticator, never cached as a
// decision.
import type { StoredCredential } from './credential-repository';

export type { StoredCredential };

export type InvalidationMessage =
  { scope: 'token'; id: string } | { scope: 'user'; id: string } | { scope: 'service_account'; id: string } | { scope: 'all' };

interface Entry {
  credential: StoredCredential;
  loadedAt: number;
}

export interface AuthCacheOptions {
  maxAgeMs: number;
  maxEntries?: number;
  now?: () => number;
}

export class AuthCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private currentGeneration = 0;
  private enabled = false;

  constructor(options: AuthCacheOptions) {
    if (!(options.maxAgeMs >= 0 && options.maxAgeMs < 1000)) throw new Error('auth cache max age must be in [0, 1000) ms');
    this.maxAgeMs = options.maxAgeMs;
    this.maxEntries = options.maxEntries ?? 50_000;
    this.now = options.now ?? (() => performance.now());
  }

  get generation(): number {
    return this.currentGeneration;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Turned on only while invalidations can reach us; turning it either way flushes. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.clear();
  }

  get(key: string): StoredCredential | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.loadedAt >= this.maxAgeMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.credential;
  }

  /** Stores a credential read from the database, unless an invalidation happened meanwhile. */
  set(key: string, credential: StoredCredential, generationAtRead: number): void {
    if (!this.enabled || generationAtRead !== this.currentGeneration) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { credential, loadedAt: this.now() });
  }

  clear(): void {
    this.currentGeneration++;
    this.entries.clear();
  }

  apply(message: InvalidationMessage): void {
    this.currentGeneration++;
    if (message.scope === 'all') {
      this.entries.clear();
      return;
    }
    for (const [key, entry] of this.entries) {
      const c = entry.credential;
      const hit =
        (message.scope === 'token' && c.tokenId === message.id) ||
        (message.scope === 'user' && c.userId === message.id) ||
        (message.scope === 'service_account' && c.serviceAccountId === message.id);
      if (hit) this.entries.delete(key);
    }
  }
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const MESSAGE_PATTERN = new RegExp(`^(token|user|service_account):(${UUID})$`, 'i');

export function encodeInvalidation(message: InvalidationMessage): string {
  return message.scope === 'all' ? 'all' : `${message.scope}:${message.id}`;
}

/** Unknown payloads decode to "all": flushing too much is safe, ignoring one is not. */
export function decodeInvalidation(payload: string | undefined): InvalidationMessage {
  const match = payload ? MESSAGE_PATTERN.exec(payload) : null;
  if (!match) return { scope: 'all' };
  return { scope: match[1] as 'token' | 'user' | 'service_account', id: (match[2] as string).toLowerCase() };
}
