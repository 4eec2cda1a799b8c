// The transport for Node programs (the command line): node:http / node:https with one keep-alive
// agent per transport. Node's fetch would do, but loading it costs a short-lived command more
// start-up time than the whole request (measured by the CLI benchmark in bench/). Each protocol
// module is loaded on its first request: a command that sends none, or only over http, does
// not pay for loading TLS.
import type http from 'node:http';
import type https from 'node:https';
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
  let plain: { lib: typeof http; agent: http.Agent } | undefined;
  let secure: { lib: typeof https; agent: https.Agent } | undefined;
  const protocol = async (tls: boolean): Promise<{ lib: typeof http | typeof https; agent: http.Agent }> => {
    if (tls) {
      if (!secure) {
        const lib = await import('node:https');
        secure = { lib, agent: new lib.Agent({ keepAlive: true }) };
      }
      return secure;
    }
    if (!plain) {
      const lib = await import('node:http');
      plain = { lib, agent: new lib.Agent({ keepAlive: true }) };
    }
    return plain;
  };

  const transport = async (request: Parameters<Transport>[0]): Promise<HttpResponse> => {
    const url = safeUrl(request.url);
    const { lib, agent } = await protocol(url.protocol === 'https:');
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body !== undefined) headers['Content-Length'] = Buffer.byteLength(request.body);
      const fail = (error: Error & { code?: string }): void => {
        reject(new NetworkError(request.url, error.code, error.message));
      };
      const outgoing = lib.request(url, { method: request.method, headers, agent, signal: request.signal }, (incoming) => {
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
      });
      outgoing.setTimeout(timeoutMs, () => {
        const error = Object.assign(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' });
        outgoing.destroy(error);
      });
      outgoing.on('error', fail);
      outgoing.end(request.body);
    });
  };

  return Object.assign(transport, {
    close(): void {
      plain?.agent.destroy();
      secure?.agent.destroy();
    },
  });
}

function safeUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NetworkError(raw, 'EINVAL', `not a valid URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new NetworkError(raw, 'EINVAL', `unsupported protocol ${url.protocol} (use http or https)`);
  return url;
}
