/**
 * A small HTTP proxy on 127.0.0.1 that stands between a client (the provider) and a real API
 * and fails in the ways a network or a sick server does, chosen per request by `mode`:
 *
 *   forward         pass the request through and return the API's answer
 *   hang            accept the request and never answer (the socket stays open)
 *   reset           close the connection without an answer
 *   forward-reset   pass the request through (the API acts on it), then close the
 *                   connection instead of returning the answer: the outcome is lost
 *
 *   const proxy = await startFaultProxy(api.url);
 *   proxy.setRule((req) => (req.method === 'DELETE' ? 'forward-reset' : 'forward'));
 *   ... terraform with TESSERA_ENDPOINT=proxy.url ...
 *   proxy.requests   // what it saw: method, path, mode (and the API's status if forwarded)
 *   proxy.stopAfterAnswers(2)  // then refuse connections, as a stopped API does
 *   proxy.setAnswerDelay(300)  // hold each answer back 300 ms after the API gave it (a slow link)
 *   await proxy.stop();
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type FaultMode = 'forward' | 'hang' | 'reset' | 'forward-reset';

export interface ProxiedRequest {
  method: string;
  path: string;
  mode: FaultMode;
  /** The API's status, for a request that was passed through (also when its answer was then lost). */
  status?: number;
}

export type FaultRule = (request: { method: string; path: string }) => FaultMode;

export interface FaultProxy {
  /** e.g. http://127.0.0.1:41235 */
  url: string;
  requests: ProxiedRequest[];
  /** TCP connections accepted so far (a TLS hello sent to it still counts as one). */
  readonly connections: number;
  setRule(rule: FaultRule): void;
  /** After `count` more answers went out, refuse every new connection: the API went down. */
  stopAfterAnswers(count: number): void;
  /** Hold every forwarded answer back this long after the API gave it; 0 (default) for none. */
  setAnswerDelay(ms: number): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(upstream: string, rule: FaultRule = () => 'forward'): Promise<FaultProxy> {
  const target = new URL(upstream);
  let current = rule;
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let answersLeft: number | null = null;
  let answerDelayMs = 0;
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
    return stopping;
  };

  const forward = (
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host };
      const out = httpRequest(
        { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
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
    const path = req.url ?? '/';
    const mode = current({ method, path });
    const seen: ProxiedRequest = { method, path, mode };
    requests.push(seen);
    if (mode === 'hang') return;
    if (mode === 'reset') {
      req.socket.destroy();
      return;
    }
    let answer;
    try {
      answer = await forward(req, Buffer.concat(chunks));
    } catch {
      res.writeHead(502, { 'Content-Type': 'text/plain' }).end('upstream failed');
      return;
    }
    seen.status = answer.status;
    if (answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, answerDelayMs));
    if (mode === 'forward-reset') {
      req.socket.destroy();
      return;
    }
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    delete headers['keep-alive'];
    res.writeHead(answer.status, headers).end(answer.body, () => {
      if (answersLeft === null) return;
      answersLeft -= 1;
      if (answersLeft <= 0) void stop();
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    setRule(next) {
      current = next;
    },
    stopAfterAnswers(count) {
      answersLeft = count;
    },
    setAnswerDelay(ms) {
      answerDelayMs = ms;
    },
    stop,
  };
}
