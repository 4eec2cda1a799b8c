/**
 * A plain-HTTP reverse proxy on 127.0.0.1 in front of a test API, for injecting the failure a
 * client fears most: the request reached the server and did its work, but the answer was lost.
 *
 *   const proxy = await startAnswerDroppingProxy(api.url);
 *   proxy.dropAnswersTo = (method, path) => method === 'POST' && path === '/api/v1/personal-access-tokens';
 *   // ... every matching request is forwarded, the API's full answer is read, and then the
 *   // client's connection is destroyed (the client sees "socket hang up"), on every retry.
 *   proxy.dropAnswersTo = null; // pass everything through again
 *
 * Everything else is forwarded unchanged. `stopAfterAnswers(n)` makes the proxy stop listening
 * once n more answers went out: later connections are refused, as when the API goes down.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface AnswerDroppingProxy {
  url: string;
  /** Which requests lose their answer; null passes everything. Path without the query string. */
  dropAnswersTo: ((method: string, path: string) => boolean) | null;
  /** Requests forwarded whose answer was then dropped, with the status the API gave them. */
  readonly dropped: Array<{ method: string; path: string; status: number }>;
  /** After `count` more answers, refuse every new connection (and drop the open ones). */
  stopAfterAnswers(count: number): void;
  close(): Promise<void>;
}

export async function startAnswerDroppingProxy(target: string): Promise<AnswerDroppingProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let answersLeft: number | null = null;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  const proxy: AnswerDroppingProxy = {
    url: '',
    dropAnswersTo: null,
    dropped: [],
    stopAfterAnswers: (count) => {
      answersLeft = count;
    },
    close,
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host, 'content-length': String(body.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const drop = proxy.dropAnswersTo?.(method, path) === true;
    let answer;
    try {
      answer = await forward(req, Buffer.concat(chunks));
    } catch {
      res.writeHead(502).end();
      return;
    }
    if (drop) {
      proxy.dropped.push({ method, path, status: answer.status });
      req.socket.destroy();
      return;
    }
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    delete headers['connection'];
    delete headers['keep-alive'];
    headers['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, headers).end(answer.body, () => {
      if (answersLeft === null) return;
      answersLeft -= 1;
      if (answersLeft <= 0) void close();
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
