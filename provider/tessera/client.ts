// Typed HTTP client for the Tessera API (api-contract.md) on Node's fetch.
// Retries connection failures, 429 and 502/503/504 with capped, jittered exponential backoff
// (a server's Retry-After is honoured as a floor); creates carry one Idempotency-Key across all
// their retries so a retried create never leaves an orphan token; every attempt has its own
// timeout; an outer AbortSignal (StopProvider) cancels the request and any pending sleep.
import { randomUUID } from 'node:crypto';
import type * as z from 'zod/mini';
import {
  createdTokenSchema,
  meSchema,
  problemSchema,
  tokenListPageSchema,
  tokenMetadataSchema,
  tokenPolicySchema,
  type CreateTokenRequest,
  type CreatedToken,
  type Me,
  type TokenMetadata,
  type TokenPolicy,
} from './api-types';
import {
  TesseraAbortedError,
  TesseraApiError,
  TesseraConnectionError,
  TesseraResponseError,
  TesseraTimeoutError,
} from './errors';
import { defaultRetryPolicy, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry-policy';

export interface ClientLogger {
  debug(message: string, fields?: Record<string, string | number | boolean>): void;
  warn(message: string, fields?: Record<string, string | number | boolean>): void;
}

export interface TesseraClientOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:8080` (with or without a trailing slash). */
  endpoint: string;
  /** The caller's secret; sent as a Bearer token and never anywhere else. */
  token: string;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Cancels every request of this client (wired to StopProvider). */
  signal?: AbortSignal;
  userAgent?: string;
  logger?: ClientLogger;
}

type Method = 'GET' | 'POST' | 'DELETE';

interface RequestSpec {
  method: Method;
  path: string;
  body?: unknown;
  idempotencyKey?: string;
}

interface RawResponse {
  status: number;
  body: unknown;
}

const silentLogger: ClientLogger = { debug() {}, warn() {} };

export class TesseraClient {
  readonly endpoint: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly signal: AbortSignal | undefined;
  private readonly userAgent: string;
  private readonly logger: ClientLogger;

  private readonly options: TesseraClientOptions;

  constructor(options: TesseraClientOptions) {
    this.options = options;
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.signal = options.signal;
    this.userAgent = options.userAgent ?? 'terraform-provider-tessera';
    this.logger = options.logger ?? silentLogger;
  }

  /** The same client for one handler: also cancelled by its signal, logging to its logger. */
  forCall(signal: AbortSignal, logger?: ClientLogger): TesseraClient {
    const combined = this.signal ? AbortSignal.any([this.signal, signal]) : signal;
    return new TesseraClient({ ...this.options, signal: combined, logger: logger ?? this.options.logger });
  }

  /**
   * The same client cancelled only by `signal`, not by StopProvider: for clean-up that must
   * still run while the provider is being stopped. One retry at most: time is short then.
   */
  detached(signal: AbortSignal, logger?: ClientLogger): TesseraClient {
    return new TesseraClient({ ...this.options, signal, retry: { ...this.options.retry, maxRetries: 1 }, logger: logger ?? this.options.logger });
  }

  async getMe(): Promise<Me> {
    return this.parse('GET', '/api/v1/me', meSchema, await this.expectOk({ method: 'GET', path: '/api/v1/me' }));
  }

  async getTokenPolicy(): Promise<TokenPolicy> {
    const path = '/api/v1/token-policy';
    return this.parse('GET', path, tokenPolicySchema, await this.expectOk({ method: 'GET', path }));
  }

  /**
   * Creates a personal access token. One Idempotency-Key covers every retry of this call, so
   * the API returns the first response (same id, same secret) instead of a second token.
   */
  async createPersonalAccessToken(request: CreateTokenRequest, idempotencyKey: string = randomUUID()): Promise<CreatedToken> {
    const path = '/api/v1/personal-access-tokens';
    const response = await this.expectOk({ method: 'POST', path, body: request, idempotencyKey });
    return this.parse('POST', path, createdTokenSchema, response);
  }

  /** The token's metadata, or null when the API says 404 (revoked, expired, or not the caller's). */
  async getPersonalAccessToken(id: string): Promise<TokenMetadata | null> {
    const path = `/api/v1/personal-access-tokens/${encodeURIComponent(id)}`;
    const response = await this.send({ method: 'GET', path });
    if (response.status === 404) return null;
    this.throwUnlessOk('GET', path, response);
    return this.parse('GET', path, tokenMetadataSchema, response);
  }

  /** Revokes a token; returns false when it was already gone (404), which callers treat as done. */
  async revokePersonalAccessToken(id: string): Promise<boolean> {
    const path = `/api/v1/personal-access-tokens/${encodeURIComponent(id)}`;
    const response = await this.send({ method: 'DELETE', path });
    if (response.status === 404) return false;
    this.throwUnlessOk('DELETE', path, response);
    return true;
  }

  /** Every active token of the caller, following `next_page_token` to the end. */
  async listPersonalAccessTokens(): Promise<TokenMetadata[]> {
    const tokens: TokenMetadata[] = [];
    let pageToken: string | null | undefined;
    // A page cap guards against a server that keeps returning the same page token.
    for (let page = 0; page < 10_000; page += 1) {
      const query = new URLSearchParams({ page_size: '200' });
      if (pageToken) query.set('page_token', pageToken);
      const path = `/api/v1/personal-access-tokens?${query.toString()}`;
      const body = this.parse('GET', path, tokenListPageSchema, await this.expectOk({ method: 'GET', path }));
      tokens.push(...body.personal_access_tokens);
      if (!body.next_page_token || body.next_page_token === pageToken) return tokens;
      pageToken = body.next_page_token;
    }
    throw new TesseraResponseError('GET', '/api/v1/personal-access-tokens', 'pagination did not end');
  }

  private async expectOk(spec: RequestSpec): Promise<RawResponse> {
    const response = await this.send(spec);
    this.throwUnlessOk(spec.method, spec.path, response);
    return response;
  }

  private throwUnlessOk(method: Method, path: string, response: RawResponse): void {
    if (response.status >= 200 && response.status < 300) return;
    const problem = problemSchema.safeParse(response.body);
    const p = problem.success ? problem.data : {};
    throw new TesseraApiError(method, path, response.status, p.title ?? '', p.detail ?? '', p.errors ?? []);
  }

  private parse<T extends z.ZodMiniType>(method: Method, path: string, schema: T, response: RawResponse): z.infer<T> {
    const result = schema.safeParse(response.body);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'invalid body';
    throw new TesseraResponseError(method, path, where);
  }

  /** Sends with retries; returns the final response whatever its status, or throws a transport error. */
  private async send(spec: RequestSpec): Promise<RawResponse> {
    let lastFailure: Error | undefined;
    for (let attempt = 0; attempt <= this.retry.maxRetries; attempt += 1) {
      if (this.signal?.aborted) throw new TesseraAbortedError();
      let retryAfterMs: number | undefined;
      try {
        const response = await this.attempt(spec);
        if (!isRetryableStatus(response.status) || attempt === this.retry.maxRetries) {
          return { status: response.status, body: response.body };
        }
        retryAfterMs = parseRetryAfter(response.retryAfter);
        if (retryAfterMs !== undefined && retryAfterMs > this.retry.maxRetryAfterMs) {
          // Waiting longer than a Terraform run can reasonably block is worse than failing clearly.
          return { status: response.status, body: response.body };
        }
        lastFailure = undefined;
        this.logger.warn('Tessera API asked to retry', { method: spec.method, path: spec.path, status: response.status, attempt: attempt + 1 });
      } catch (error) {
        if (error instanceof TesseraAbortedError) throw error;
        if (!(error instanceof TesseraConnectionError || error instanceof TesseraTimeoutError)) throw error;
        lastFailure = error;
        if (attempt === this.retry.maxRetries) break;
        this.logger.warn('Tessera API request failed, retrying', { method: spec.method, path: spec.path, reason: error.message, attempt: attempt + 1 });
      }
      await this.sleep(retryDelayMs(this.retry, attempt, retryAfterMs));
    }
    throw lastFailure ?? new TesseraConnectionError(this.endpoint, 'no attempt was made');
  }

  private async attempt(spec: RequestSpec): Promise<{ status: number; body: unknown; retryAfter: string | null }> {
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      Authorization: `Bearer ${this.token}`,
      'User-Agent': this.userAgent,
    };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    if (spec.idempotencyKey !== undefined) headers['Idempotency-Key'] = spec.idempotencyKey;

    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
    const started = Date.now();
    let response: Response;
    try {
      response = await fetch(`${this.endpoint}${spec.path}`, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal,
      });
    } catch (error) {
      throw this.transportError(error);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.transportError(error);
    }
    this.logger.debug('Tessera API response', { method: spec.method, path: spec.path, status: response.status, ms: Date.now() - started });
    return { status: response.status, body: parseJson(text), retryAfter: response.headers.get('retry-after') };
  }

  private transportError(error: unknown): Error {
    if (this.signal?.aborted) return new TesseraAbortedError();
    const name = errorField(error, 'name');
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new TesseraTimeoutError(this.endpoint, this.timeoutMs);
    }
    return new TesseraConnectionError(this.endpoint, describeCause(error));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const signal = this.signal;
      if (signal?.aborted) return reject(new TesseraAbortedError());
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new TesseraAbortedError());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Reads a field of a thrown value without `instanceof`: fetch's errors may come from another
 * realm (jest's sandbox), where `instanceof Error` is false.
 */
function errorField(error: unknown, key: 'name' | 'code' | 'message' | 'cause'): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined;
}

/** A short human reason from fetch's error chain ("connection refused", a code, …); no URL, no headers. */
function describeCause(error: unknown): string {
  const codes: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by the server',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    UND_ERR_SOCKET: 'the server closed the connection',
  };
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = errorField(current, 'code');
    if (typeof code === 'string') return codes[code] ?? code;
    current = errorField(current, 'cause');
  }
  const cause = errorField(error, 'cause');
  const message = errorField(cause, 'message') ?? errorField(error, 'message');
  return typeof message === 'string' ? message : 'unknown error';
}
