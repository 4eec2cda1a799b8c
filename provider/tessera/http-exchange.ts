// One HTTP exchange on Node's own http/https with keep-alive agents. The provider starts several
// times per Terraform command, and loading Node's fetch (undici) costs each process more CPU and
// memory than the requests it then sends (measured by bench/provider-rss.ts and the yardstick
// bench). Static imports: the bundle runs in a vm.Script (for its code cache), which has no
// dynamic import; TLS is loaded anyway for the plugin's own mTLS.
import * as http from 'node:http';
import * as https from 'node:https';

export interface Exchange {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface ExchangeResult {
  status: number;
  body: string;
  retryAfter: string | null;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/**
 * Sends the request and reads the whole answer. Rejects with the socket's error (its `code`
 * says why: ECONNREFUSED, a TLS code, …) or, once `signal` aborts, with an AbortError.
 */
export async function exchange(url: string, request: Exchange): Promise<ExchangeResult> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`unsupported protocol ${target.protocol}`);
  const lib = target.protocol === 'https:' ? https : http;
  const agent = agents[target.protocol];
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = Buffer.byteLength(request.body);
    const outgoing = lib.request(target, { method: request.method, headers, agent, signal: request.signal }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const retryAfter = incoming.headers['retry-after'];
        resolve({
          status: incoming.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
        });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
