// A small typed client for the Tessera API: `client.get('/personal-access-tokens/{id}', { path: { id } })`
// is checked against the generated OpenAPI types (paths, parameters, JSON bodies, success
// responses); a refusal throws ApiError with the problem's fields; no response at all throws
// NetworkError naming the URL tried. Requests that are safe to repeat (GET, and a POST carrying
// an Idempotency-Key) are sent again after a broken connection or a 502/503/504.
import { ApiError, problemOf } from './errors';
import { fetchTransport, NetworkError, type HttpRequest, type HttpResponse, type Transport } from './transport';
import type { CallInit, InitArgs, ListItem, ListKey, ListPath, Method, Operation, PathsWith, SuccessBody } from './types';

/** Where the API lives below the server's origin (the document's `servers` entry). */
export const API_PREFIX = '/api/v1';

export interface Exchange {
  request: HttpRequest;
  /** Absent when the transport threw. */
  response?: HttpResponse;
  error?: NetworkError;
  /** 1 for the first try. */
  attempt: number;
  milliseconds: number;
}

export interface ClientOptions {
  /**
   * The server, e.g. https://tessera.example.com (a trailing slash or a path prefix is fine);
   * '' means the page's own origin in a browser. The client adds /api/v1.
   */
  endpoint: string;
  /** A personal access token or service-account secret, sent as `Authorization: Bearer`. */
  token?: string;
  /** More headers, computed per request from its method (e.g. a CSRF token on changes). */
  headers?: (method: string) => Record<string, string>;
  /** Default: fetch. */
  transport?: Transport;
  /** Called after every exchange, including failed ones and retries (e.g. for a debug log). */
  onExchange?: (exchange: Exchange) => void;
  /** Further tries for a request that is safe to repeat; default 2. */
  retries?: number;
  /** Delay before the first retry; each next one waits three times longer. Default 250 ms. */
  retryDelayMs?: number;
}

type Call<M extends Method> = <P extends PathsWith<M>>(
  path: P,
  ...init: InitArgs<Operation<P, M>>
) => Promise<SuccessBody<Operation<P, M>>>;

export interface TesseraClient {
  readonly endpoint: string;
  get: Call<'get'>;
  post: Call<'post'>;
  put: Call<'put'>;
  patch: Call<'patch'>;
  delete: Call<'delete'>;
  /** Every page of a listing, in order. */
  pages<P extends ListPath>(path: P, ...init: InitArgs<Operation<P, 'get'>>): AsyncGenerator<SuccessBody<Operation<P, 'get'>>>;
  /** Every item of a listing (all pages), e.g. `all('/users', 'users')`. */
  all<P extends ListPath, K extends ListKey<P>>(path: P, key: K, ...init: InitArgs<Operation<P, 'get'>>): Promise<Array<ListItem<P, K>>>;
}

/** A fresh key for the Idempotency-Key header: send the same one when repeating the same create. */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

interface UntypedInit {
  path?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  header?: Record<string, string | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const LIST_PAGE_SIZE = 200;

export function createClient(options: ClientOptions): TesseraClient {
  const base = options.endpoint.replace(/\/+$/, '') + API_PREFIX;
  const transport = options.transport ?? fetchTransport();
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 250;

  async function send(method: Method, template: string, init: UntypedInit = {}): Promise<unknown> {
    const url = base + expandPath(template, init.path ?? {}) + queryString(init.query ?? {});
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      ...options.headers?.(method.toUpperCase()),
    };
    if (options.token !== undefined) headers['Authorization'] = `Bearer ${options.token}`;
    for (const [name, value] of Object.entries(init.header ?? {})) if (value !== undefined) headers[name] = value;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['Content-Type'] = 'application/json';
    }
    const request: HttpRequest = { method: method.toUpperCase(), url, headers, body, signal: init.signal };
    const repeatable =
      method === 'get' || (method === 'post' && Object.keys(headers).some((name) => name.toLowerCase() === 'idempotency-key'));

    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let response: HttpResponse;
      try {
        response = await transport(request);
      } catch (error) {
        const failure =
          error instanceof NetworkError ? error : new NetworkError(url, undefined, error instanceof Error ? error.message : String(error));
        options.onExchange?.({ request, error: failure, attempt, milliseconds: Date.now() - started });
        if (repeatable && failure.mayHaveBeenSent && attempt <= retries && !init.signal?.aborted) {
          await delay(retryDelayMs * 3 ** (attempt - 1));
          continue;
        }
        throw failure;
      }
      options.onExchange?.({ request, response, attempt, milliseconds: Date.now() - started });
      if (repeatable && RETRYABLE_STATUS.has(response.status) && attempt <= retries) {
        await delay(retryDelayMs * 3 ** (attempt - 1));
        continue;
      }
      if (response.status >= 200 && response.status < 300) {
        if (response.status === 204 || response.body === '') return undefined;
        try {
          return JSON.parse(response.body) as unknown;
        } catch {
          throw new ApiError(
            {
              type: 'about:blank',
              title: 'Unreadable response',
              status: response.status,
              detail: `The server at ${url} answered ${response.status} with a body that is not JSON.`,
            },
            response.headers,
          );
        }
      }
      throw new ApiError(problemOf(response.status, response.statusText, response.body), response.headers);
    }
  }

  const call =
    <M extends Method>(method: M): Call<M> =>
    (path, ...init) =>
      send(method, path as string, init[0] as UntypedInit | undefined) as never;

  async function* pages(path: string, init: UntypedInit = {}): AsyncGenerator<Record<string, unknown>> {
    let pageToken: string | null = null;
    do {
      const query = { page_size: LIST_PAGE_SIZE, ...init.query, ...(pageToken === null ? {} : { page_token: pageToken }) };
      const page = (await send('get', path, { ...init, query })) as Record<string, unknown> & { next_page_token: string | null };
      yield page;
      pageToken = page.next_page_token;
    } while (pageToken !== null);
  }

  return {
    endpoint: options.endpoint,
    get: call('get'),
    post: call('post'),
    put: call('put'),
    patch: call('patch'),
    delete: call('delete'),
    pages: ((path: string, ...init: [UntypedInit?]) => pages(path, init[0])) as TesseraClient['pages'],
    all: (async (path: string, key: string, ...init: [UntypedInit?]) => {
      const items: unknown[] = [];
      for await (const page of pages(path, init[0])) items.push(...(page[key] as unknown[]));
      return items;
    }) as TesseraClient['all'],
  };
}

function expandPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new TypeError(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}

function queryString(query: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.append(name, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export type { CallInit };
