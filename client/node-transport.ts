// The transport for Node programs (the command line): node:http / node:https with one keep-alive
// agent per transport. Node's fetch would do, but loading it costs a short-lived command more
// start-up time than the whole request (measured by the CLI benchmark in bench/).
import http from 'node:http';
import https from 'node:https';
import { NetworkError, type HttpResponse, type Transport } from './transport';

export interface NodeTransportOptions {
  /** Per request, from sending to the last byte of the answer; default 30 s. */
  timeoutMs?: number;
}

export interface NodeTransport extends Transport {
  /** Closes idle connections so the process can exit at once. */
  close(): void;
}

export function nodeTransport(options: NodeTransportOptions = {}): NodeTransport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  const transport = (request: Parameters<Transport>[0]): Promise<HttpResponse> =>
    new Promise((resolve, reject) => {
      let target: URL;
      try {
        target = new URL(request.url);
      } catch {
        reject(new NetworkError(request.url, 'EINVAL', `not a valid URL: ${request.url}`));
        return;
      }
      const secure = target.protocol === 'https:';
      if (!secure && target.protocol !== 'http:') {
        reject(new NetworkError(request.url, 'EINVAL', `unsupported protocol ${target.protocol} (use http or https)`));
        return;
      }
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body !== undefined) headers['Content-Length'] = Buffer.byteLength(request.body);
      const fail = (error: Error & { code?: string }): void => {
        reject(new NetworkError(request.url, error.code, error.message));
      };
      const outgoing = (secure ? https : http).request(
        target,
        { method: request.method, headers, agent: secure ? agents.https : agents.http, signal: request.signal },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', fail);
          incoming.on('end', () => {
            const responseHeaders: Record<string, string> = {};
            for (const [name, value] of Object.entries(incoming.headers)) {
              if (value !== undefined) responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({
              status: incoming.statusCode ?? 0,
              statusText: incoming.statusMessage ?? '',
              headers: responseHeaders,
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      outgoing.setTimeout(timeoutMs, () => {
        const error = Object.assign(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' });
        outgoing.destroy(error);
      });
      outgoing.on('error', fail);
      outgoing.end(request.body);
    });

  return Object.assign(transport, {
    close(): void {
      agents.http.destroy();
      agents.https.destroy();
    },
  });
}
