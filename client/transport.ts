// How the client sends one HTTP exchange. The browser (and any runtime with fetch) uses
// fetchTransport; the command line uses client/node-transport.ts, which starts faster than
// Node's fetch. A transport throws NetworkError when no HTTP response came back.

export interface HttpRequest {
  method: string;
  /** Absolute, or relative to the page in a browser. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

/** No HTTP response: the server could not be reached, the connection broke, or it timed out. */
export class NetworkError extends Error {
  constructor(
    /** The URL that was tried. */
    readonly url: string,
    /** A system error code such as ECONNREFUSED, ETIMEDOUT or ECONNRESET, when known. */
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }

  /** True when the request may have reached the server (so only a keyed or safe request may be sent again). */
  get mayHaveBeenSent(): boolean {
    return this.code !== 'ECONNREFUSED' && this.code !== 'ENOTFOUND' && this.code !== 'EAI_AGAIN';
  }
}

export interface FetchTransportOptions {
  credentials?: 'omit' | 'same-origin' | 'include';
  cache?: 'default' | 'no-store' | 'reload' | 'no-cache' | 'force-cache' | 'only-if-cached';
}

export function fetchTransport(options: FetchTransportOptions = {}): Transport {
  return async (request) => {
    // `cache` is a browser option (Node's fetch type does not list it), hence the variable.
    const init = {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      credentials: options.credentials,
      cache: options.cache,
    };
    let response: Response;
    try {
      response = await fetch(request.url, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown } }).cause;
      const code = typeof cause?.code === 'string' ? cause.code : undefined;
      throw new NetworkError(request.url, code, error instanceof Error ? error.message : String(error));
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { status: response.status, statusText: response.statusText, headers, body: await response.text() };
  };
}
