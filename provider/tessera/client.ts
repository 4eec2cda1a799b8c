// Typed HTTP client for the Tessera API (docs/api-contract.md) on Node's http/https.
// Retries connection failures, 429 and 502/503/504 with capped, jittered exponential backoff
// (a server's Retry-After is honoured as a floor); creates carry one Idempotency-Key across all
// their retries so a retried create never leaves an orphan token; every attempt has its own
// timeout, and one deadline (`request_timeout`) bounds everything one provider operation does,
// retries and waits included; an outer AbortSignal (StopProvider) cancels the request and any
// pending sleep. Failures that retrying cannot fix (TLS spoken to a plain-HTTP server, a
// certificate the client does not trust) end at once.
import { randomUUID } from 'node:crypto';
import type * as z from 'zod/mini';
import {
  createdServiceAccountSchema,
  serviceAccountListPageSchema,
  serviceAccountSchema,
  type CreatedServiceAccount,
  type CreateServiceAccountRequest,
  type ServiceAccount,
  type UpdateServiceAccountRequest,
  createdTokenSchema,
  meSchema,
  problemSchema,
  teamDetailSchema,
  teamListPageSchema,
  tokenListPageSchema,
  tokenMetadataSchema,
  tokenPolicySchema,
  userListPageSchema,
  userSchema,
  type CreateTeamRequest,
  type CreateTokenRequest,
  type CreateUserRequest,
  type CreatedToken,
  type Me,
  type Team,
  type TeamDetail,
  type TokenListFilter,
  type TokenMetadata,
  type TokenPolicy,
  type UpdateTeamRequest,
  type UpdateUserRequest,
  type User,
} from './api-types';
import { exchange } from './http-exchange';
import { TesseraAbortedError, TesseraApiError, TesseraConnectionError, TesseraResponseError, TesseraTimeoutError } from './errors';
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
  /** Per-attempt timeout (capped by what is left of the operation's deadline). */
  timeoutMs?: number;
  /**
   * Deadline of one operation (this client, or one made by `forCall`): every attempt, retry
   * and wait of every request together. Default 60 s.
   */
  requestTimeoutMs?: number;
  /** How the deadline is named in errors, e.g. "60s (TESSERA_REQUEST_TIMEOUT)". */
  requestTimeoutLabel?: string;
  retry?: Partial<RetryPolicy>;
  /** Cancels every request of this client (wired to StopProvider). */
  signal?: AbortSignal;
  userAgent?: string;
  logger?: ClientLogger;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** One attempt ran out of time; `send` decides whether that ends the operation. */
class AttemptTimeout extends Error {
  override readonly name = 'AttemptTimeout';
}

export class TesseraClient {
  readonly endpoint: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly signal: AbortSignal | undefined;
  private readonly userAgent: string;
  private readonly logger: ClientLogger;

  private readonly options: TesseraClientOptions;
  private readonly startedAt = Date.now();
  private readonly deadline: number;
  private readonly deadlineLabel: string;

  constructor(options: TesseraClientOptions) {
    this.options = options;
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.deadline = this.startedAt + requestTimeoutMs;
    this.deadlineLabel = options.requestTimeoutLabel ?? `${Math.round(requestTimeoutMs / 1000)}s`;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.signal = options.signal;
    this.userAgent = options.userAgent ?? 'terraform-provider-tessera';
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * The same client for one handler (one provider operation): also cancelled by its signal,
   * logging to its logger, with a fresh deadline.
   */
  forCall(signal: AbortSignal, logger?: ClientLogger): TesseraClient {
    const combined = this.signal ? AbortSignal.any([this.signal, signal]) : signal;
    return new TesseraClient({ ...this.options, signal: combined, logger: logger ?? this.options.logger });
  }

  /**
   * The same client cancelled only by `signal`, not by StopProvider: for clean-up that must
   * still run while the provider is being stopped. One retry at most: time is short then.
   */
  detached(signal: AbortSignal, logger?: ClientLogger): TesseraClient {
    return new TesseraClient({
      ...this.options,
      signal,
      retry: { ...this.options.retry, maxRetries: 1 },
      logger: logger ?? this.options.logger,
    });
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

  /** Every active token of the caller (optionally filtered), following `next_page_token` to the end. */
  async listPersonalAccessTokens(filter: TokenListFilter = {}): Promise<TokenMetadata[]> {
    const tokens: TokenMetadata[] = [];
    let pageToken: string | null | undefined;
    // A page cap guards against a server that keeps returning the same page token.
    for (let page = 0; page < 10_000; page += 1) {
      const query = new URLSearchParams({ page_size: '200' });
      if (filter.created_via !== undefined) query.set('created_via', filter.created_via);
      if (filter.client_reference !== undefined) query.set('client_reference', filter.client_reference);
      if (pageToken) query.set('page_token', pageToken);
      const path = `/api/v1/personal-access-tokens?${query.toString()}`;
      const body = this.parse('GET', path, tokenListPageSchema, await this.expectOk({ method: 'GET', path }));
      tokens.push(...body.personal_access_tokens);
      if (!body.next_page_token || body.next_page_token === pageToken) return tokens;
      pageToken = body.next_page_token;
    }
    throw new TesseraResponseError('GET', '/api/v1/personal-access-tokens', 'pagination did not end');
  }

  // Directory: teams, users and team memberships (of users and of service accounts).

  async createTeam(request: CreateTeamRequest): Promise<TeamDetail> {
    const path = '/api/v1/teams';
    return this.parse('POST', path, teamDetailSchema, await this.expectOk({ method: 'POST', path, body: request }));
  }

  /** The team with its members, or null when the API says 404 (deleted, or never existed). */
  async getTeam(id: string): Promise<TeamDetail | null> {
    const path = `/api/v1/teams/${encodeURIComponent(id)}`;
    const response = await this.send({ method: 'GET', path });
    if (response.status === 404) return null;
    this.throwUnlessOk('GET', path, response);
    return this.parse('GET', path, teamDetailSchema, response);
  }

  async updateTeam(id: string, request: UpdateTeamRequest): Promise<TeamDetail> {
    const path = `/api/v1/teams/${encodeURIComponent(id)}`;
    return this.parse('PATCH', path, teamDetailSchema, await this.expectOk({ method: 'PATCH', path, body: request }));
  }

  /** Deletes a team; false when it was already gone (404). */
  async deleteTeam(id: string): Promise<boolean> {
    return this.deleteUnlessGone(`/api/v1/teams/${encodeURIComponent(id)}`);
  }

  /**
   * Teams whose name equals `name` ignoring case and surrounding white space, as the API compares
   * team names. The API filters; the same comparison here keeps the answer right against a
   * server that ignores the filter.
   */
  async findTeamsByName(name: string): Promise<Team[]> {
    const wanted = name.trim().toLowerCase();
    const teams = await this.listAll('/api/v1/teams', { name: name.trim() }, teamListPageSchema, (page) => page.teams);
    return teams.filter((team) => team.name.trim().toLowerCase() === wanted);
  }

  /** Makes a user a member of a team; adding a member twice is not an error. */
  async addTeamMember(teamId: string, userId: string): Promise<void> {
    const path = `/api/v1/teams/${encodeURIComponent(teamId)}/members/${encodeURIComponent(userId)}`;
    await this.expectOk({ method: 'PUT', path });
  }

  /** Removes a user from a team; false when they were not a member (404). */
  async removeTeamMember(teamId: string, userId: string): Promise<boolean> {
    return this.deleteUnlessGone(`/api/v1/teams/${encodeURIComponent(teamId)}/members/${encodeURIComponent(userId)}`);
  }

  /** Makes a service account a member of a team; idempotent. */
  async addTeamServiceAccount(teamId: string, serviceAccountId: string): Promise<void> {
    const path = `/api/v1/teams/${encodeURIComponent(teamId)}/service-accounts/${encodeURIComponent(serviceAccountId)}`;
    await this.expectOk({ method: 'PUT', path });
  }

  /** Removes a service account from a team; false when it was not a member (404). */
  async removeTeamServiceAccount(teamId: string, serviceAccountId: string): Promise<boolean> {
    return this.deleteUnlessGone(`/api/v1/teams/${encodeURIComponent(teamId)}/service-accounts/${encodeURIComponent(serviceAccountId)}`);
  }

  async createUser(request: CreateUserRequest): Promise<User> {
    const path = '/api/v1/users';
    return this.parse('POST', path, userSchema, await this.expectOk({ method: 'POST', path, body: request }));
  }

  /** The user, or null when the API says 404 (unknown, or not visible to the caller). */
  async getUser(id: string): Promise<User | null> {
    const path = `/api/v1/users/${encodeURIComponent(id)}`;
    const response = await this.send({ method: 'GET', path });
    if (response.status === 404) return null;
    this.throwUnlessOk('GET', path, response);
    return this.parse('GET', path, userSchema, response);
  }

  async updateUser(id: string, request: UpdateUserRequest): Promise<User> {
    const path = `/api/v1/users/${encodeURIComponent(id)}`;
    return this.parse('PATCH', path, userSchema, await this.expectOk({ method: 'PATCH', path, body: request }));
  }

  /** Users whose email equals `email` ignoring case (emails are stored lower-cased and unique). */
  async findUsersByEmail(email: string): Promise<User[]> {
    const wanted = email.trim().toLowerCase();
    const users = await this.listAll('/api/v1/users', { email: wanted }, userListPageSchema, (page) => page.users);
    return users.filter((user) => user.email.toLowerCase() === wanted);
  }

  // Service accounts.

  /** Creates a service account and its token; one Idempotency-Key covers every retry. */
  async createServiceAccount(request: CreateServiceAccountRequest, idempotencyKey: string = randomUUID()): Promise<CreatedServiceAccount> {
    const path = '/api/v1/service-accounts';
    const response = await this.expectOk({ method: 'POST', path, body: request, idempotencyKey });
    return this.parse('POST', path, createdServiceAccountSchema, response);
  }

  /** The service account, or null when the API says 404 (deleted). */
  async getServiceAccount(id: string): Promise<ServiceAccount | null> {
    const path = `/api/v1/service-accounts/${encodeURIComponent(id)}`;
    const response = await this.send({ method: 'GET', path });
    if (response.status === 404) return null;
    this.throwUnlessOk('GET', path, response);
    return this.parse('GET', path, serviceAccountSchema, response);
  }

  /** Renames the account and/or replaces its team set. */
  async updateServiceAccount(id: string, request: UpdateServiceAccountRequest): Promise<ServiceAccount> {
    const path = `/api/v1/service-accounts/${encodeURIComponent(id)}`;
    return this.parse('PATCH', path, serviceAccountSchema, await this.expectOk({ method: 'PATCH', path, body: request }));
  }

  /** Deletes the account (revoking its token); false when it was already gone (404). */
  async deleteServiceAccount(id: string): Promise<boolean> {
    return this.deleteUnlessGone(`/api/v1/service-accounts/${encodeURIComponent(id)}`);
  }

  /**
   * Live service accounts named `name`, compared as the API compares them (ignoring case and
   * surrounding white space); the same comparison here keeps the answer right against a server
   * that ignores the filter.
   */
  async findServiceAccountsByName(name: string): Promise<ServiceAccount[]> {
    const wanted = name.trim().toLowerCase();
    const accounts = await this.listAll(
      '/api/v1/service-accounts',
      { name: name.trim() },
      serviceAccountListPageSchema,
      (page) => page.service_accounts,
    );
    return accounts.filter((account) => account.name.trim().toLowerCase() === wanted);
  }

  private async deleteUnlessGone(path: string): Promise<boolean> {
    const response = await this.send({ method: 'DELETE', path });
    if (response.status === 404) return false;
    this.throwUnlessOk('DELETE', path, response);
    return true;
  }

  /** Every item of a paged listing, following `next_page_token` to the end. */
  private async listAll<P extends { next_page_token: string | null }, T>(
    base: string,
    filter: Record<string, string>,
    schema: z.ZodMiniType<P>,
    items: (page: P) => T[],
  ): Promise<T[]> {
    const out: T[] = [];
    let pageToken: string | null | undefined;
    // A page cap guards against a server that keeps returning the same page token.
    for (let page = 0; page < 10_000; page += 1) {
      const query = new URLSearchParams({ ...filter, page_size: '200' });
      if (pageToken) query.set('page_token', pageToken);
      const path = `${base}?${query.toString()}`;
      const body = this.parse('GET', path, schema, await this.expectOk({ method: 'GET', path }));
      out.push(...items(body));
      if (!body.next_page_token || body.next_page_token === pageToken) return out;
      pageToken = body.next_page_token;
    }
    throw new TesseraResponseError('GET', base, 'pagination did not end');
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
    throw new TesseraApiError(
      method,
      path,
      response.status,
      p.title ?? '',
      p.detail ?? '',
      p.errors ?? [],
      p.type ?? '',
      p.required_roles ?? [],
    );
  }

  private parse<T extends z.ZodMiniType>(method: Method, path: string, schema: T, response: RawResponse): z.infer<T> {
    const result = schema.safeParse(response.body);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'invalid body';
    throw new TesseraResponseError(method, path, where);
  }

  /**
   * Sends with retries inside the operation's deadline; returns the final response whatever its
   * status, or throws a transport error saying how many attempts took how long.
   */
  private async send(spec: RequestSpec): Promise<RawResponse> {
    let lastFailure: TesseraConnectionError | TesseraTimeoutError | undefined;
    let lastResponse: RawResponse | undefined;
    let attempts = 0;
    // Whether any attempt may have delivered the request (see TesseraConnectionError).
    let mayHaveArrived = false;
    const summary = (): { attempts: number; elapsedMs: number } => ({ attempts, elapsedMs: Date.now() - this.startedAt });
    const outOfTime = (): Error | RawResponse => {
      if (lastResponse !== undefined && lastFailure === undefined) return lastResponse;
      if (lastFailure instanceof TesseraConnectionError) return lastFailure.withSummary(summary(), mayHaveArrived);
      return new TesseraTimeoutError(this.endpoint, this.deadlineLabel, summary(), this.timeoutMs);
    };
    for (let attempt = 0; attempt <= this.retry.maxRetries; attempt += 1) {
      if (this.signal?.aborted) throw new TesseraAbortedError();
      const remaining = this.deadline - Date.now();
      if (remaining <= 0) {
        const result = outOfTime();
        if (result instanceof Error) throw result;
        return result;
      }
      let retryAfterMs: number | undefined;
      attempts += 1;
      try {
        const response = await this.attempt(spec, Math.min(this.timeoutMs, remaining));
        if (!isRetryableStatus(response.status) || attempt === this.retry.maxRetries) {
          return { status: response.status, body: response.body };
        }
        retryAfterMs = parseRetryAfter(response.retryAfter);
        if (retryAfterMs !== undefined && retryAfterMs > this.retry.maxRetryAfterMs) {
          // Waiting longer than a Terraform run can reasonably block is worse than failing clearly.
          return { status: response.status, body: response.body };
        }
        lastFailure = undefined;
        lastResponse = { status: response.status, body: response.body };
        mayHaveArrived = true;
        this.logger.warn('Tessera API asked to retry', {
          method: spec.method,
          path: spec.path,
          status: response.status,
          attempt: attempt + 1,
        });
      } catch (error) {
        if (error instanceof TesseraAbortedError) throw error;
        if (error instanceof AttemptTimeout) {
          mayHaveArrived = true;
          if (Date.now() >= this.deadline) throw new TesseraTimeoutError(this.endpoint, this.deadlineLabel, summary(), this.timeoutMs);
          lastFailure = new TesseraTimeoutError(this.endpoint, undefined, summary(), this.timeoutMs);
        } else if (error instanceof TesseraConnectionError) {
          mayHaveArrived ||= error.requestMayHaveArrived;
          if (!error.retryable) throw error.withSummary(summary(), mayHaveArrived);
          lastFailure = error;
        } else {
          throw error;
        }
        lastResponse = undefined;
        if (attempt === this.retry.maxRetries) break;
        this.logger.warn('Tessera API request failed, retrying', {
          method: spec.method,
          path: spec.path,
          reason: lastFailure.message,
          attempt: attempt + 1,
        });
      }
      const delay = retryDelayMs(this.retry, attempt, retryAfterMs);
      if (Date.now() + delay >= this.deadline) {
        // No time left for another attempt: sleeping into the deadline only delays the answer.
        const result = outOfTime();
        if (result instanceof Error) throw result;
        return result;
      }
      await this.sleep(delay);
    }
    if (lastFailure instanceof TesseraConnectionError) throw lastFailure.withSummary(summary(), mayHaveArrived);
    if (lastFailure instanceof TesseraTimeoutError) throw new TesseraTimeoutError(this.endpoint, undefined, summary(), this.timeoutMs);
    throw new TesseraConnectionError(this.endpoint, 'no attempt was made', summary(), true, false);
  }

  private async attempt(spec: RequestSpec, timeoutMs: number): Promise<{ status: number; body: unknown; retryAfter: string | null }> {
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      Authorization: `Bearer ${this.token}`,
      'User-Agent': this.userAgent,
    };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    if (spec.idempotencyKey !== undefined) headers['Idempotency-Key'] = spec.idempotencyKey;

    const attempt = attemptSignal(this.signal, timeoutMs);
    const started = Date.now();
    let response: Awaited<ReturnType<typeof exchange>>;
    try {
      response = await exchange(`${this.endpoint}${spec.path}`, {
        method: spec.method,
        headers,
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
        signal: attempt.signal,
      });
    } catch (error) {
      throw this.transportError(error);
    } finally {
      attempt.dispose();
    }
    this.logger.debug('Tessera API response', { method: spec.method, path: spec.path, status: response.status, ms: Date.now() - started });
    return { status: response.status, body: parseJson(response.body), retryAfter: response.retryAfter };
  }

  private transportError(error: unknown): Error {
    if (this.signal?.aborted) return new TesseraAbortedError();
    const name = errorField(error, 'name');
    if (name === 'TimeoutError' || name === 'AbortError') return new AttemptTimeout();
    const cause = describeCause(error, this.endpoint);
    // The failures retrying cannot fix are TLS handshake failures: no request was sent either.
    const sentNothing = !cause.retryable || failedBeforeConnecting(error);
    return new TesseraConnectionError(this.endpoint, cause.reason, undefined, cause.retryable, !sentNothing);
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

/**
 * The signal of one attempt: aborted after `timeoutMs`, or as soon as `operation` (StopProvider)
 * aborts; `dispose` stops the timer and unhooks `operation`. A timer and a controller of our own,
 * not AbortSignal.timeout() inside AbortSignal.any(): Node 20 lets a timeout signal that only a
 * composite signal refers to be garbage-collected, and the composite then never aborts (seen as a
 * 4 s request timeout reported after 53 s).
 */
export function attemptSignal(operation: AbortSignal | undefined, timeoutMs: number): { signal: AbortSignal; dispose(): void } {
  const attempt = new AbortController();
  const timer = setTimeout(() => attempt.abort(), timeoutMs);
  const onStop = (): void => attempt.abort();
  if (operation?.aborted) attempt.abort();
  else operation?.addEventListener('abort', onStop, { once: true });
  return {
    signal: attempt.signal,
    dispose: () => {
      clearTimeout(timer);
      operation?.removeEventListener('abort', onStop);
    },
  };
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
 * Reads a field of a thrown value without `instanceof`: Node's own errors come from another
 * realm than jest's sandbox, where `instanceof Error` is false.
 */
function errorField(error: unknown, key: 'name' | 'code' | 'message' | 'cause'): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined;
}

/**
 * TLS failures retrying cannot fix, in words: the server speaks plain HTTP, or its certificate
 * is not one this client trusts. Codes from OpenSSL (via Node) and Node's TLS layer.
 */
function tlsProblem(code: string, message: string, endpoint: string): string | undefined {
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_HTTP_REQUEST' || /wrong version number|http request/i.test(message)) {
    return `the server at ${endpoint} answered in plain HTTP, not HTTPS: use http:// in the endpoint, or put TLS in front of the API`;
  }
  if (code === 'EPROTO')
    return `the TLS handshake with ${endpoint} failed (${message || 'protocol error'}): check that the server speaks HTTPS on that port`;
  const untrusted = [
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  ];
  if (untrusted.includes(code)) {
    return `the server's TLS certificate is not signed by a certificate authority this machine trusts (${code}): add the CA to the system trust store or point SSL_CERT_FILE / NODE_EXTRA_CA_CERTS at it`;
  }
  if (code === 'CERT_HAS_EXPIRED') return "the server's TLS certificate has expired";
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the server's TLS certificate does not name the host of ${endpoint}`;
  return undefined;
}

/** Failures that happen before a request can be on the wire: nothing was sent. */
const BEFORE_CONNECTING =
  /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ERR_SSL_|ERR_TLS_|EPROTO$|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

function failedBeforeConnecting(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = errorField(current, 'code');
    if (typeof code === 'string') return BEFORE_CONNECTING.test(code);
    current = errorField(current, 'cause');
  }
  return false;
}

/** A short human reason from a socket error and its causes ("connection refused", a code, …); no URL, no headers. */
function describeCause(error: unknown, endpoint: string): { reason: string; retryable: boolean } {
  const codes: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by the server',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
  };
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = errorField(current, 'code');
    if (typeof code === 'string') {
      const message = errorField(current, 'message');
      const tls = tlsProblem(code, typeof message === 'string' ? message : '', endpoint);
      if (tls !== undefined) return { reason: tls, retryable: false };
      return { reason: codes[code] ?? code, retryable: true };
    }
    current = errorField(current, 'cause');
  }
  const cause = errorField(error, 'cause');
  const message = errorField(cause, 'message') ?? errorField(error, 'message');
  return { reason: typeof message === 'string' ? message : 'unknown error', retryable: true };
}
