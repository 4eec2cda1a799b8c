// One HTTP call to a test API as any client makes it (Node's fetch), with the answer read whole.
// Every fixture instance offers it as `api.request(method, path, options)`.

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** JSON-encoded, with `content-type: application/json` unless headers say otherwise. */
  body?: unknown;
  /** Sent as is (no JSON encoding), e.g. broken JSON. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or {} when the body is not JSON (or empty). */
  json: Record<string, unknown>;
}

export async function request(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let json: ApiResponse['json'];
  try {
    json = JSON.parse(text) as ApiResponse['json'];
  } catch {
    json = {};
  }
  return { status: response.status, headers: response.headers, text, json };
}
