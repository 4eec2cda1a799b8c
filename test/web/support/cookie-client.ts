// A browser-like HTTP client for the session and web page tests: keeps the session cookie and,
// once signed in, the CSRF token, as the page does.

/** A browser-like HTTP client: keeps the session cookie and, once signed in, the CSRF token. */
export class CookieClient {
  private cookies = new Map<string, string>();
  csrfToken: string | null = null;

  constructor(
    readonly baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; csrf?: boolean } = {},
  ): Promise<{ status: number; headers: Headers; json: Record<string, unknown>; setCookies: string[] }> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...(options.headers ?? {}) };
    if (this.cookies.size > 0) headers['cookie'] = this.cookieHeader();
    if (options.csrf !== false && this.csrfToken !== null && method !== 'GET') headers['x-csrf-token'] ??= this.csrfToken;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const separator = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, separator).trim();
      const value = (pair ?? '').slice(separator + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = {};
    }
    return { status: response.status, headers: response.headers, json, setCookies };
  }

  async signIn(email: string, password: string): Promise<Record<string, unknown>> {
    const response = await this.request('POST', '/api/v1/sessions', { body: { email, password } });
    if (response.status !== 201) throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(response.json)}`);
    this.csrfToken = response.json['csrf_token'] as string;
    return response.json;
  }
}
