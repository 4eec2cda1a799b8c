// One HTTP/1.1 request with exactly the headers given, Host included (fetch does not let a caller
// choose Host). For the tests of what a proxy or a rebinding browser would send.
import http from 'node:http';
import type { ApiResponse } from './http-request';

export interface RawRequestOptions {
  /** Sent as is; `host` replaces the one derived from the URL. */
  headers?: Record<string, string>;
  /** JSON-encoded, with content-type application/json. */
  body?: unknown;
}

export function rawRequest(baseUrl: string, method: string, path: string, options: RawRequestOptions = {}): Promise<ApiResponse> {
  const url = new URL(path, baseUrl);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        setHost: headers['host'] === undefined,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, one);
          }
          let json: ApiResponse['json'];
          try {
            json = JSON.parse(text) as ApiResponse['json'];
          } catch {
            json = {};
          }
          resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
